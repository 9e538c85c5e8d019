"""8-FZ procedure (Federal Law 8-FZ, art. 18, 19): a delay only while its notice is on
time (7 days of registration), an oral request registered the day it is received, an
answer by reference to the official site within the answer term.

Dates worked out by hand from the production calendar the tests use
(`intranet.workdays.ProductionCalendar`): 2024: 08.03 (Fri) holiday; 2025: 08.05 day off,
09.05 holiday; 2026: 11.05 day off, 12.06 (Fri) holiday; 2027: 20.02 (Sat) a working
day, 22.02 day off, 23.02 holiday. "preceding" moves a date off a non-working day back,
"following" forward (CASES_DEADLINE_SHIFT); a date never moves before its event.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import deadlines, services
from cases.choices import Channel, Regime, ReplyChannel
from cases.models import Answer, AnswerKind, EventKind
from intranet.workdays import ProductionCalendar
from tests.cases.conftest import moscow

D = dt.date
CAL = ProductionCalendar()
A, IR = Regime.APPEAL, Regime.INFO_REQUEST
P, F = "preceding", "following"
DAY = dt.timedelta(days=1)

# --- the delay notice (art. 18 p. 6) ------------------------------------------------

# registered, shift, last day of the delay notice, why
NOTICE = [
    (D(2024, 3, 1), P, D(2024, 3, 7), "01.03+7 = 08.03.2024 (holiday) -> Thu 07.03"),
    (D(2024, 3, 1), F, D(2024, 3, 11), "08.03.2024 (holiday) -> Mon 11.03"),
    (D(2025, 5, 1), P, D(2025, 5, 7), "01.05+7 = 08.05.2025 (day off) -> Wed 07.05"),
    (D(2025, 5, 1), F, D(2025, 5, 12), "08.05, 09.05, weekend -> Mon 12.05"),
    (D(2026, 6, 5), P, D(2026, 6, 11), "05.06+7 = 12.06.2026 (holiday) -> Thu 11.06"),
    (D(2026, 6, 5), F, D(2026, 6, 15), "12.06.2026 (holiday) -> Mon 15.06"),
    (D(2026, 11, 2), P, D(2026, 11, 9), "02.11+7 = Mon 09.11.2026, a working day"),
    (D(2026, 11, 2), F, D(2026, 11, 9), "Mon 09.11.2026, a working day"),
    (D(2027, 2, 15), P, D(2027, 2, 20), "15.02+7 = 22.02.2027 (day off) -> Sat 20.02 (working)"),
    (D(2027, 2, 15), F, D(2027, 2, 24), "22.02 day off, 23.02 holiday -> Wed 24.02"),
]  # fmt: skip


@pytest.mark.parametrize(("registered", "shift", "notice", "why"), NOTICE)
def test_a_delay_is_granted_only_up_to_the_notice_date(registered, shift, notice, why):
    assert deadlines.delay_notice_due(registered, IR, CAL, shift) == notice, why
    statutory = deadlines.answer_due(registered, IR, CAL, shift)
    grant = {"calendar": CAL, "shift": shift, "registered": registered}
    assert deadlines.extended_due(statutory, IR, 15, 0, at=notice, **grant) > statutory, why
    for late in (notice + DAY, registered + dt.timedelta(days=25), statutory):
        with pytest.raises(deadlines.DelayNoticeLate) as refused:
            deadlines.extended_due(statutory, IR, 15, 0, at=late, **grant)
        assert refused.value.notice_due == notice, why
    # 59-FZ has no such notice: an appeal is still extended on day 25 (art. 12 p. 2)
    appeal_due = deadlines.answer_due(registered, A, CAL, shift)
    day_25 = registered + dt.timedelta(days=25)
    assert deadlines.extended_due(appeal_due, A, 30, 0, at=day_25, **grant) > appeal_due


def _assigned(register_post, org, at: dt.datetime, regime=IR, channel=Channel.POST):
    case = register_post(
        regime=regime, channel=channel, received_at=at, at=at,
        reply_channel=ReplyChannel.EMAIL, reply_contact="client@example.gov.ru",
    )  # fmt: skip
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)


def _not_extended(case, statutory):
    case.refresh_from_db()
    assert case.extension_count == 0 and case.statutory_deadline == statutory
    assert not case.events.filter(kind=EventKind.EXTENDED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("registered", "shift", "notice", "why"), NOTICE)
def test_the_service_grants_a_delay_on_the_notice_day_and_refuses_it_after(
    registered, shift, notice, why, settings, org, register_post,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CASES_DEADLINE_SHIFT = shift
    late = _assigned(
        register_post, org, moscow(registered.year, registered.month, registered.day, 10)
    )
    statutory = late.statutory_deadline
    after = notice + DAY
    with pytest.raises(ValidationError) as refused:
        services.extend(
            late, org.head, days=15, reason="Сбор сведений",
            at=moscow(after.year, after.month, after.day, 9),
        )  # fmt: skip
    message = " ".join(refused.value.message_dict["days"])
    assert "уведомляют" in message and notice.strftime("%d.%m.%Y") in message, (why, message)
    _not_extended(late, statutory)
    assert not mail.outbox

    on_time = _assigned(
        register_post, org, moscow(registered.year, registered.month, registered.day, 11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.extend(
            on_time, org.head, days=15, reason="Сбор сведений",
            at=moscow(notice.year, notice.month, notice.day, 17),
        )  # fmt: skip
    on_time.refresh_from_db()
    assert on_time.extension_count == 1 and on_time.statutory_deadline > statutory, why


def _registered_10_days_ago(register_post, org):
    """An 8-FZ request registered 10 days ago: the notice date is behind us, the answer
    term (30 days) still runs, so only the notice rule refuses the delay."""
    day = timezone.localdate() - dt.timedelta(days=10)
    case = _assigned(register_post, org, moscow(day.year, day.month, day.day, 10))
    assert deadlines.delay_notice_due(day, IR) < timezone.localdate() <= case.statutory_deadline
    return case


@pytest.mark.django_db
def test_page_refuses_a_late_delay(client, org, register_post):
    case = _registered_10_days_ago(register_post, org)
    client.force_login(org.head)
    response = client.post(
        reverse("cases:extend", args=[case.pk]), {"days": "15", "reason": "Сбор сведений"}
    )
    assert response.status_code == 400
    assert "уведомляют" in response.content.decode()
    _not_extended(case, case.statutory_deadline)


@pytest.mark.django_db
def test_api_refuses_a_late_delay(org, register_post):
    case = _registered_10_days_ago(register_post, org)
    api = APIClient()
    api.force_authenticate(org.head)
    response = api.post(f"/api/cases/{case.pk}/extend/", {"days": 15, "reason": "Сбор сведений"})
    assert response.status_code == 400
    assert "уведомляют" in response.content.decode()
    _not_extended(case, case.statutory_deadline)


@pytest.mark.django_db
def test_page_and_api_grant_a_delay_on_the_day_of_registration(client, org, register_post):
    now = timezone.localtime()
    first = _assigned(register_post, org, now)
    second = _assigned(register_post, org, now)
    client.force_login(org.head)
    response = client.post(
        reverse("cases:extend", args=[first.pk]), {"days": "15", "reason": "Сбор сведений"}
    )
    assert response.status_code == 302
    api = APIClient()
    api.force_authenticate(org.head)
    response = api.post(f"/api/cases/{second.pk}/extend/", {"days": 15, "reason": "Сбор"})
    assert response.status_code == 200, response.content
    for case in (first, second):
        case.refresh_from_db()
        assert case.extension_count == 1


# --- registration of an oral request (art. 18 p. 1) ---------------------------------

# regime, channel, received, shift, register by, why
REGISTRATION = [
    (IR, Channel.PHONE, D(2024, 3, 7), P, D(2024, 3, 7), "oral: the day of receipt"),
    (IR, Channel.PHONE, D(2024, 3, 7), F, D(2024, 3, 7), "oral: the day of receipt"),
    (IR, Channel.VISIT, D(2025, 12, 29), P, D(2025, 12, 29), "oral: Mon 29.12.2025"),
    (IR, Channel.VISIT, D(2025, 12, 29), F, D(2025, 12, 29), "oral: Mon 29.12.2025"),
    (IR, Channel.PHONE, D(2026, 6, 12), P, D(2026, 6, 15),
     "received on the 12.06.2026 holiday: never before receipt, so Mon 15.06"),
    (IR, Channel.PHONE, D(2026, 6, 12), F, D(2026, 6, 15), "holiday -> Mon 15.06"),
    (IR, Channel.VISIT, D(2027, 2, 20), P, D(2027, 2, 20), "Sat 20.02.2027 is working"),
    (IR, Channel.VISIT, D(2027, 2, 20), F, D(2027, 2, 20), "Sat 20.02.2027 is working"),
    (IR, Channel.POST, D(2027, 2, 19), P, D(2027, 2, 20),
     "written: 19.02+3 = 22.02.2027 (day off) -> Sat 20.02"),
    (IR, Channel.POST, D(2027, 2, 19), F, D(2027, 2, 24), "written: 22.02 -> Wed 24.02"),
    (IR, Channel.PORTAL, D(2024, 3, 5), P, D(2024, 3, 7), "written: 08.03.2024 -> 07.03"),
    (IR, Channel.EMAIL, D(2024, 3, 5), F, D(2024, 3, 11), "written: 08.03.2024 -> 11.03"),
    (A, Channel.PHONE, D(2026, 6, 9), P, D(2026, 6, 11),
     "59-FZ keeps 3 days for every channel: 12.06.2026 -> 11.06"),
    (A, Channel.VISIT, D(2026, 6, 9), F, D(2026, 6, 15), "59-FZ: 12.06.2026 -> 15.06"),
]  # fmt: skip


@pytest.mark.parametrize(("regime", "channel", "received", "shift", "due", "why"), REGISTRATION)
def test_registration_term_per_channel(regime, channel, received, shift, due, why):
    assert deadlines.registration_due(received, regime, CAL, shift, channel=channel) == due, why


@pytest.mark.django_db
@pytest.mark.parametrize(("regime", "channel", "received", "shift", "due", "why"), REGISTRATION)
def test_the_case_carries_the_registration_term_of_its_channel(
    regime, channel, received, shift, due, why, settings, org, register_post
):
    settings.CASES_DEADLINE_SHIFT = shift
    at = moscow(received.year, received.month, received.day, 10)
    case = register_post(regime=regime, channel=channel, received_at=at, at=at)
    # The setting is only the default: the registration term moves forward by its own
    # rule (tests/cases/test_short_terms.py), so the case has the rule's date, which for
    # an oral request is the table's.
    expected = deadlines.registration_due(received, regime, CAL, channel=channel)
    assert case.registration_deadline == expected, why
    if channel in (Channel.PHONE, Channel.VISIT) and regime == IR:
        assert expected == due, why


def test_the_oral_term_is_a_rule_of_the_regime_and_can_be_overridden(settings):
    def days(term):
        return term.days, term.kind

    assert days(deadlines.rules_for(IR).register_term(Channel.PHONE)) == days(deadlines.Term(0))
    assert days(deadlines.rules_for(IR).register_term(Channel.POST)) == days(deadlines.Term(3))
    assert days(deadlines.rules_for(A).register_term(Channel.PHONE)) == days(deadlines.Term(3))
    settings.CASES_REGIME_RULES = {"info_request": {"register_by_channel": {"phone": 1}}}
    assert deadlines.registration_due(D(2026, 3, 3), IR, CAL, channel=Channel.PHONE) == D(
        2026, 3, 4
    )
    assert deadlines.registration_due(D(2026, 3, 3), IR, CAL, channel=Channel.VISIT) == D(
        2026, 3, 6
    )


# --- an answer by reference to the official site (art. 19) --------------------------

# registered, shift, statutory date (the last day a link is an answer under 8-FZ), why
LINK = [
    (D(2024, 2, 7), P, D(2024, 3, 7), "07.02+30 = 08.03.2024 (holiday) -> 07.03"),
    (D(2024, 2, 7), F, D(2024, 3, 11), "08.03.2024 -> Mon 11.03"),
    (D(2025, 4, 9), P, D(2025, 5, 7), "09.05.2025 (holiday) -> 07.05"),
    (D(2025, 4, 9), F, D(2025, 5, 12), "09.05.2025 -> Mon 12.05"),
    (D(2026, 4, 9), P, D(2026, 5, 8), "09.05.2026 (holiday) -> Fri 08.05"),
    (D(2026, 4, 9), F, D(2026, 5, 12), "09.05, 11.05 off -> Tue 12.05"),
    (D(2027, 1, 23), P, D(2027, 2, 20), "22.02.2027 (day off) -> Sat 20.02 (working)"),
    (D(2027, 1, 23), F, D(2027, 2, 24), "22.02, 23.02 -> Wed 24.02"),
]  # fmt: skip


@pytest.mark.parametrize(("registered", "shift", "statutory", "why"), LINK)
def test_link_due_is_the_answer_term_under_8fz_and_7_days_under_59fz(
    registered, shift, statutory, why
):
    assert deadlines.link_due(registered, IR, CAL, shift) == statutory, why
    assert deadlines.answer_due(registered, IR, CAL, shift) == statutory, why
    assert deadlines.link_due(registered, A, CAL, shift) == deadlines.add_term(
        registered, deadlines.Term(7), CAL, shift
    ), why
    extended = statutory + dt.timedelta(days=10)
    assert deadlines.link_due(registered, IR, CAL, shift, current_due=extended) == extended


@pytest.mark.django_db
@pytest.mark.parametrize(("registered", "shift", "statutory", "why"), LINK)
def test_the_service_takes_a_link_within_the_8fz_answer_term(
    registered, shift, statutory, why, settings, org, demo, register_post
):
    from kb.models import ArticlePage

    settings.CASES_DEADLINE_SHIFT = shift
    article = ArticlePage.objects.live().first()
    at = moscow(registered.year, registered.month, registered.day, 10)
    info, appeal = (_assigned(register_post, org, at, regime) for regime in (IR, A))
    assert info.statutory_deadline == statutory, why
    link = Answer(kind=AnswerKind.LINK, link_url=article.url)
    for day in (registered + dt.timedelta(days=12), statutory):
        services.validate_answer(info, link, today=day)  # 8-FZ: the whole answer term
        with pytest.raises(ValidationError) as late:  # 59-FZ art. 11 p. 5.1: 7 days
            services.validate_answer(appeal, link, today=day)
        assert "7 дней" in " ".join(late.value.message_dict["link_url"]), why
    with pytest.raises(ValidationError) as late:
        services.validate_answer(info, link, today=statutory + DAY)
    message = " ".join(late.value.message_dict["link_url"])
    assert "в срок ответа" in message and statutory.strftime("%d.%m.%Y") in message, why
