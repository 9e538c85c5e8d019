"""Knowledge-gap clustering on a fixed set of questions: deterministic groups by topic
and stem similarity; a group answered by a live article is not a gap."""

import pytest

from cases.consultations import gaps
from cases.consultations.gaps import Question

QUESTIONS = [
    ("declarations", "Нужно ли указывать в справке о доходах закрытый вклад?"),
    ("declarations", "Указывать ли закрытый в декабре вклад в справке о доходах?"),
    ("declarations", "Закрытый банковский вклад указывать в справке о доходах?"),
    ("declarations", "Как заполнить справку на супругу, если она не работает?"),
    ("conflict", "Брат устраивается в подведомственное учреждение: конфликт интересов?"),
    ("conflict", "Конфликт интересов, если брат работает в подведомственном учреждении?"),
    ("conflict", "Является ли конфликтом интересов работа брата в подведомственном учреждении?"),
    ("gifts", "Закрытый вклад в справке о доходах"),  # same words, other topic
]


def fixed():
    return [
        Question("consultation", pk, topic, text) for pk, (topic, text) in enumerate(QUESTIONS, 1)
    ]


def test_grouping_is_by_topic_and_similarity_and_deterministic():
    first = gaps.cluster(fixed())
    groups = [sorted(q.pk for q in g.questions) for g in first]
    assert groups == [[5, 6, 7], [1, 2, 3], [4], [8]]
    assert [g.key for g in first] == [g.key for g in gaps.cluster(fixed())]


def test_a_group_answered_by_an_article_is_not_a_gap():
    groups = gaps.cluster(fixed())
    conflict, deposit = groups[0], groups[1]
    article = (42, gaps.stems("Закрытый вклад: указывать ли его в справке о доходах"))
    unrelated = (43, gaps.stems("Порядок уведомления о получении подарка"))
    assert gaps.answering_article(deposit, [unrelated, article]) == 42
    assert gaps.answering_article(conflict, [unrelated, article]) is None


@pytest.mark.django_db
def test_find_gaps_uses_live_articles_and_topic_routes(org):
    from cases.models import TopicRoute

    unit = org.units["ОДС"]
    TopicRoute.objects.update_or_create(topic="declarations", defaults={"unit": unit})
    found = gaps.find_gaps(fixed())
    topics = sorted(g.topic for g in found)
    assert topics == ["conflict", "declarations"]  # single questions are not gaps
    declarations = next(g for g in found if g.topic == "declarations")
    assert declarations.unit_id == unit.pk
    assert all(len(g.questions) >= gaps.MIN_QUESTIONS for g in found)


@pytest.mark.django_db
def test_confidential_cases_stay_out_and_cases_show_their_subject_only(make_case):
    secret = make_case(topic="declarations", subject="Тема", text="Секретный текст обращения")
    secret.is_confidential = True
    secret.save(update_fields=["is_confidential"])
    plain = make_case(topic="declarations", subject="Вклад в справке", text="Подробный текст")
    found = {(q.kind, q.pk): q for q in gaps.collect_questions()}
    assert ("case", secret.pk) not in found
    assert found[("case", plain.pk)].display == "Вклад в справке"
    assert "Подробный текст" in found[("case", plain.pk)].text  # used for similarity only
