"""Urgency suggestions: readable reasons from the text, the client and the season."""

import datetime as dt

import pytest
from django.utils import translation

from cases import triage
from cases.topics import Topic
from tests.cases.conftest import moscow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_dates_in_text():
    ref = dt.date(2026, 3, 10)
    text = "Нужно до 15.03, собрание 20 марта, отчёт 01.02.2027; ст. 20.2 79-ФЗ, версия 2.5.1"
    assert triage.dates_in_text(text, ref) == [
        dt.date(2026, 3, 15), dt.date(2026, 3, 20), dt.date(2027, 2, 1)
    ]  # fmt: skip
    # A date already past this year is read as next year's.
    assert triage.dates_in_text("к 05.01", ref) == [dt.date(2027, 1, 5)]


def test_plain_question_is_not_urgent(org, make_case):
    case = make_case(topic=Topic.CONFLICT_OF_INTEREST, text="Как заполнить уведомление?",
                     at=moscow(2026, 6, 1, 10))  # fmt: skip
    suggestion = triage.suggest(case)
    assert not suggestion.urgent
    assert suggestion.reasons == ["No signs of urgency found in the text or the client's history."]


def test_date_before_the_lawful_answer_date_makes_it_urgent(org, make_case):
    case = make_case(topic=Topic.PROHIBITIONS, text="Совещание 10.06, нужен ответ к нему.",
                     at=moscow(2026, 6, 1, 10))  # fmt: skip
    suggestion = triage.suggest(case)
    assert suggestion.urgent
    # +30 from Mon 01.06.2026 = Wed 01.07.2026.
    assert "The text mentions 10.06.2026, before the lawful answer date 01.07.2026." in (
        suggestion.reasons
    )
    later = make_case(topic=Topic.PROHIBITIONS, text="Отпуск с 20.07, вопрос не горит.",
                      client=org.client2, at=moscow(2026, 6, 1, 10))  # fmt: skip
    assert not triage.suggest(later).urgent


def test_deadline_words(org, make_case):
    case = make_case(topic=Topic.PROHIBITIONS, text="Прошу ответить срочно, как можно скорее!",
                     at=moscow(2026, 6, 1, 10))  # fmt: skip
    suggestion = triage.suggest(case)
    assert suggestion.urgent
    assert "Deadline words in the text: «срочно», «как можно скорее»." in suggestion.reasons


def test_declaration_campaign_until_30_april(org, make_case):
    # Registered Wed 15.04.2026: +30 = Fri 15.05.2026, after the 30 April deadline.
    case = make_case(topic=Topic.DECLARATIONS, text="Как заполнить раздел о счетах?",
                     at=moscow(2026, 4, 15, 10))  # fmt: skip
    suggestion = triage.suggest(case)
    assert suggestion.urgent
    assert (
        "Declaration campaign: declarations are due by 30.04.2026, before the lawful answer "
        "date 15.05.2026." in suggestion.reasons
    )
    # In June the campaign is over.
    june = make_case(topic=Topic.DECLARATIONS, text="Как заполнить раздел о счетах?",
                     client=org.client2, at=moscow(2026, 6, 15, 10))  # fmt: skip
    assert not triage.suggest(june).urgent


def test_client_history_and_profile(org, make_case):
    from intranet.models import StaffProfile

    StaffProfile.objects.filter(user=org.client).update(position="Начальник отдела закупок")
    org.client.refresh_from_db()
    make_case(topic=Topic.CONFLICT_OF_INTEREST, text="Первый вопрос о конфликте интересов",
              at=moscow(2026, 6, 1, 10))  # fmt: skip
    second = make_case(topic=Topic.CONFLICT_OF_INTEREST, text="Снова о конфликте интересов",
                       at=moscow(2026, 6, 20, 10))  # fmt: skip
    suggestion = triage.suggest(second)
    assert "The client has 1 other open case(s)." in suggestion.reasons
    assert "Repeated question on this topic: 1 earlier case(s) in the last 90 days." in (
        suggestion.reasons
    )
    assert "The client holds a management position: Начальник отдела закупок." in (
        suggestion.reasons
    )
    assert suggestion.urgent  # repeated (1) + management position (1)


def test_suggestion_is_stored_at_registration_in_russian(org, make_case):
    case = make_case(topic=Topic.PROHIBITIONS, text="Срочно нужен ответ.",
                     at=moscow(2026, 6, 1, 10))  # fmt: skip
    assert case.urgency_suggested
    assert case.urgency_reasons == ["Слова о сроках в тексте: «срочно»."]
