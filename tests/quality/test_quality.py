"""Quality review by heads of units: sampling, scoring on the checklist, rework, who may
do what (from the refused side), and a bounded queue."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import AnswerKind, CaseEvent, EventKind, UnitCaseSettings
from cases.quality import services
from cases.quality.models import QualityReview, UnitReviewSettings, in_sample, sample_draw

pytestmark = pytest.mark.django_db

ALL_YES = dict.fromkeys(
    ("complete", "accurate", "meets_need", "plain_language", "refusal_grounds", "channels",
     "on_time", "courteous"),
    2,
)  # fmt: skip


@pytest.fixture
def answered(org, make_case):
    """make answered cases of ОДС (answers registered, no approval needed)."""
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )

    def _make(kind=AnswerKind.MERITS, **fields):
        case = make_case(state="assigned", **fields)
        grounds = (
            "Вы просите копию чужой справки; закон разрешает выдавать её только самому служащему."
        )
        case_services.save_answer(
            case, org.executor, kind=kind, body="<p>Ответ по существу.</p>",
            grounds=grounds if kind == AnswerKind.REFUSAL else "",
        )  # fmt: skip
        case_services.submit_answer(case, org.executor)
        if kind == AnswerKind.REFUSAL:
            case_services.approve_answer(case, org.head)
        case_services.register_answer(case, org.executor)
        case.refresh_from_db()
        return case

    return _make


def test_sample_draw_is_stable_and_close_to_the_share():
    draws = [sample_draw(case_id, 7) for case_id in range(1, 10_001)]
    assert draws == [sample_draw(case_id, 7) for case_id in range(1, 10_001)]
    share = sum(1 for d in draws if d < 30) / len(draws)
    assert 0.27 < share < 0.33
    assert all(in_sample(case_id, 7, 100) for case_id in range(1, 100))


def test_queue_holds_answered_cases_of_the_heads_units_in_the_sample(org, answered, make_case):
    cases = [answered() for _ in range(6)]
    make_case(state="assigned")  # not answered: never in the queue
    queue = list(services.review_queue(org.head))
    assert sorted(c.pk for c in queue) == sorted(c.pk for c in cases)
    # A 50 % sample: exactly the cases whose draw is below 50, the same in SQL and Python.
    UnitReviewSettings.objects.create(unit=org.units["ОДС"], sample_percent=50)
    sampled = {c.pk for c in services.review_queue(org.head)}
    expected = {c.pk for c in cases if in_sample(c.pk, c.unit_id, 50)}
    assert sampled == expected
    # Another unit's head and executors have no queue.
    assert list(services.review_queue(org.head2)) == []
    assert list(services.review_queue(org.executor)) == []


def test_scoring_totals_and_not_applicable_refusal_point(org, answered):
    case = answered()
    scores = dict(ALL_YES, meets_need=1, plain_language=0)
    review = services.review(case, org.head, scores=scores, comment="Упростите язык.")
    # Merits answer: the refusal point is not applicable; 7 points, 11 of 14 = 79 %.
    assert review.refusal_grounds is None
    assert review.total == round(100 * 11 / 14)
    assert review.executor == org.executor and review.unit == org.units["ОДС"]
    assert case.pk not in {c.pk for c in services.review_queue(org.head)}
    refusal = answered(kind=AnswerKind.REFUSAL, subject="Копия чужой справки")
    review = services.review(refusal, org.head, scores=dict(ALL_YES, refusal_grounds=0))
    assert review.refusal_grounds == 0 and review.total == round(100 * 14 / 16)


def test_every_point_needs_a_score_and_rework_needs_a_comment(org, answered):
    case = answered()
    with pytest.raises(ValidationError) as error:
        services.review(case, org.head, scores={"complete": 2})
    assert "accurate" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.review(case, org.head, scores=ALL_YES, rework=True)
    assert "comment" in error.value.message_dict
    assert not QualityReview.objects.exists()


def test_refused_reviewers(org, answered, make_case):
    case = answered()
    for user in (org.head2, org.executor, org.registrar, org.client, org.reader):
        with pytest.raises(PermissionDenied):
            services.review(case, user, scores=ALL_YES)
    with pytest.raises(ValidationError):
        services.review(make_case(state="assigned"), org.head, scores=ALL_YES)  # no answer
    services.review(case, org.head, scores=ALL_YES)
    with pytest.raises(ValidationError):
        services.review(case, org.chief, scores=ALL_YES)  # reviewed once


def test_rework_goes_on_the_timeline_and_the_executor_closes_it(org, answered):
    case = answered()
    review = services.review(case, org.head, scores=dict(ALL_YES, complete=0),
                             comment="Нет ответа на второй вопрос.", rework=True)  # fmt: skip
    event = CaseEvent.objects.filter(case=case, kind=EventKind.RETURNED).last()
    assert "возвращено на доработку" in event.message and not event.visible_to_client
    with pytest.raises(PermissionDenied):
        services.complete_rework(review, org.executor2, "Не моё")
    with pytest.raises(ValidationError):
        services.complete_rework(review, org.executor, "  ")
    services.complete_rework(review, org.executor, "Направлен дополнительный ответ.")
    review.refresh_from_db()
    assert review.rework_done_at and review.rework_note == "Направлен дополнительный ответ."
    with pytest.raises(ValidationError):
        services.complete_rework(review, org.executor, "Ещё раз")


def test_screens_from_both_sides(client, org, answered):
    case = answered()
    client.force_login(org.head)
    page = client.get(reverse("quality:queue"))
    assert page.status_code == 200 and f'data-case="{case.pk}"' in page.content.decode()
    form = client.get(reverse("quality:review", args=[case.pk]))
    assert "refusal_grounds" not in form.content.decode()  # not a refusal
    response = client.post(reverse("quality:review", args=[case.pk]), {"complete": "2"})
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()
    data = {k: str(v) for k, v in ALL_YES.items() if k != "refusal_grounds"}
    response = client.post(reverse("quality:review", args=[case.pk]),
                           dict(data, rework="on", comment="Добавьте образец."))  # fmt: skip
    assert response.status_code == 302
    # The executor sees the review and closes the rework; another executor sees nothing.
    client.force_login(org.executor)
    mine = client.get(reverse("quality:mine")).content.decode()
    assert "Добавьте образец." in mine and "100\xa0%" in mine  # «100 %»: Russian typography
    review = QualityReview.objects.get(case=case)
    # The score is «Оценка», not the knowledge base's «Актуальность» (same English msgid).
    client.force_login(org.head)
    assert "<h2>Оценка:" in client.get(reverse("quality:review", args=[case.pk])).content.decode()
    client.force_login(org.executor)
    assert client.post(reverse("quality:rework_done", args=[review.pk]),
                       {"note": "Отправлен образец."}).status_code == 302  # fmt: skip
    client.force_login(org.executor2)
    assert "Добавьте образец." not in client.get(reverse("quality:mine")).content.decode()
    assert client.post(reverse("quality:rework_done", args=[review.pk]),
                       {"note": "x"}).status_code == 404  # fmt: skip
    # Refused: executors, clients, another unit's head.
    for user, code in ((org.executor, 403), (org.client, 403), (org.head2, 404)):
        client.force_login(user)
        url = reverse("quality:queue") if code == 403 else reverse("quality:review", args=[case.pk])
        assert client.get(url).status_code == code, user


def test_settings_only_for_the_heads_own_units(client, org):
    client.force_login(org.head)
    unit = org.units["ОДС"]
    response = client.post(reverse("quality:settings"),
                           {"unit": unit.pk, f"u{unit.pk}-sample_percent": "30",
                            f"u{unit.pk}-poor_below": "60"})  # fmt: skip
    assert response.status_code == 302
    assert UnitReviewSettings.objects.get(unit=unit).sample_percent == 30
    other = org.units["ОКИ"]
    client.post(reverse("quality:settings"),
                {"unit": other.pk, f"u{other.pk}-sample_percent": "1"})  # fmt: skip
    assert not UnitReviewSettings.objects.filter(unit=other).exists()
    client.force_login(org.executor)
    assert client.get(reverse("quality:settings")).status_code == 403


def test_queue_queries_do_not_grow_with_the_cases(client, org, answered):
    client.force_login(org.head)
    answered()
    client.get(reverse("quality:queue"))  # warm: site and session lookups of a first visit
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("quality:queue"))
    for _ in range(8):
        answered()
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("quality:queue")).status_code == 200
    assert len(many) == len(few)
