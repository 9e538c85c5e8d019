"""59-FZ art. 11: the grounds for not answering on the merits, each with its notice and
its date, and the answer by link (p. 5.1) only to an article on the public site.

Dates worked out by hand from the production calendar the tests use
(`intranet.workdays.ProductionCalendar`): 2024: 28.12 (Sat) a working day, 30–31.12 off;
2025: 01–08.01 holidays, 08.05 day off, 09.05 holiday; 2026: 31.12.2025–11.01 off,
09.03 day off, 09.05 (Sat) holiday, 11.05 day off; 2027: 20.02 (Sat) a working day,
22.02 day off, 23.02 holiday.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import deadlines, services
from cases.choices import ReplyChannel
from cases.models import AnswerKind, NoAnswerGround, UnitCaseSettings
from intranet.workdays import ProductionCalendar
from tests.cases.conftest import moscow

D = dt.date
CAL = ProductionCalendar()
P, F = "preceding", "following"
DATED = [NoAnswerGround.COURT, NoAnswerGround.UNREADABLE, NoAnswerGround.UNCLEAR]
UNDATED = [NoAnswerGround.ANONYMOUS, NoAnswerGround.OBSCENE, NoAnswerGround.REPEATED,
           NoAnswerGround.SECRET]  # fmt: skip

# registered, shift, last day of the 7-day notice (and of the link), why
DATES = [
    (D(2024, 12, 25), P, D(2025, 1, 9),
     "+7 = 01.01.2025 holiday; back to Sat 28.12 would be 4 days, more than "
     "CASES_SHIFT_BACK_MAX_DAYS (3): forward to 09.01.2025"),
    (D(2024, 12, 25), F, D(2025, 1, 9), "01.01 -> 09.01.2025, after the January holidays"),
    (D(2025, 5, 2), P, D(2025, 5, 7), "+7 = 09.05 holiday, 08.05 off -> Wed 07.05"),
    (D(2025, 5, 2), F, D(2025, 5, 12), "09.05 -> Mon 12.05"),
    (D(2025, 6, 4), P, D(2025, 6, 11), "+7 = Wed 11.06, a working day"),
    (D(2025, 6, 4), F, D(2025, 6, 11), "+7 = Wed 11.06, a working day"),
    (D(2025, 12, 31), P, D(2026, 1, 12), "+7 = 07.01, every day back to 31.12 is off: "
     "forward to Mon 12.01 (never before registration)"),
    (D(2025, 12, 31), F, D(2026, 1, 12), "07.01 -> Mon 12.01.2026"),
    (D(2026, 3, 2), P, D(2026, 3, 6), "+7 = 09.03 day off -> Fri 06.03"),
    (D(2026, 3, 2), F, D(2026, 3, 10), "09.03 -> Tue 10.03"),
    (D(2026, 5, 4), P, D(2026, 5, 8), "+7 = 11.05 day off, 09.05 holiday -> Fri 08.05"),
    (D(2026, 5, 4), F, D(2026, 5, 12), "11.05 -> Tue 12.05"),
    (D(2027, 2, 15), P, D(2027, 2, 20), "+7 = 22.02 day off -> Sat 20.02 (working)"),
    (D(2027, 2, 15), F, D(2027, 2, 24), "22.02, 23.02 -> Wed 24.02"),
]  # fmt: skip


@pytest.mark.parametrize("ground", DATED)
@pytest.mark.parametrize(("registered", "shift", "due", "why"), DATES)
def test_dated_grounds_notice_within_7_days(ground, registered, shift, due, why):
    assert deadlines.no_answer_notice_due(registered, ground, CAL, shift) == due, why


@pytest.mark.parametrize(("registered", "shift", "due", "why"), DATES)
def test_link_within_7_days(registered, shift, due, why):
    assert deadlines.link_due(registered, "appeal", CAL, shift) == due, why


@pytest.mark.parametrize("ground", UNDATED)
def test_grounds_without_a_day_count_have_no_date(ground):
    assert deadlines.no_answer_notice_due(D(2026, 3, 2), ground, CAL, P) is None


# ground, Russian label, words of the notice the client receives (None: no notice)
GROUNDS = [
    (NoAnswerGround.COURT, "обжалуется судебное решение (ч. 2 ст. 11)",
     "Судебное решение обжалуется только в суде"),
    (NoAnswerGround.UNREADABLE, "не поддаётся прочтению (ч. 4 ст. 11)",
     "Текст вашего обращения не поддаётся прочтению"),
    (NoAnswerGround.UNCLEAR, "Суть обращения не поддаётся пониманию (ч. 4.1 ст. 11)",
     "изложив суть вопроса"),
    (NoAnswerGround.SECRET, "тайну (ч. 6 ст. 11)", "Дать ответ по существу невозможно"),
    (NoAnswerGround.ANONYMOUS, "(ч. 1 ст. 11)", None),
]  # fmt: skip


def _no_approval(org, unit="ОДС"):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units[unit], defaults={"answers_need_approval": False}
    )


def _registered(register_post, org, registered: dt.date):
    at = moscow(registered.year, registered.month, registered.day, 10)
    case = register_post(
        received_at=at, at=at, reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
    )  # fmt: skip
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)


@pytest.mark.django_db
@pytest.mark.parametrize(("ground", "label", "notice"), GROUNDS)
def test_each_ground_has_its_label_and_its_notice(
    ground, label, notice, org, register_post, django_capture_on_commit_callbacks
):
    case = _registered(register_post, org, timezone.localdate() - dt.timedelta(days=1))
    _no_approval(org)
    services.save_answer(case, org.executor, kind=AnswerKind.NO_ANSWER, no_answer_ground=ground)
    services.submit_answer(case, org.executor)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.register_answer(case, org.executor)
    assert label in answer.get_no_answer_ground_display()
    if notice is None:
        assert not mail.outbox
    else:
        assert notice in mail.outbox[-1].body and label in mail.outbox[-1].body


@pytest.mark.django_db
@pytest.mark.parametrize(("registered", "shift", "due", "why"), DATES[:4] + DATES[-4:])
def test_case_page_shows_the_notice_dates(
    registered, shift, due, why, settings, org, register_post, client
):
    settings.CASES_DEADLINE_SHIFT = shift
    case = _registered(register_post, org, registered)
    client.force_login(org.executor)
    page = client.get(case.get_absolute_url()).content.decode()
    shown = due.strftime("%d.%m.%Y")
    assert "Уведомить без ответа по существу" in page
    for label in ("ч. 2 ст. 11", "ч. 4 ст. 11", "ч. 4.1 ст. 11"):
        assert f"{shown}: " in page and label in page, why
    assert "ч. 6 ст. 11)</li>" not in page  # no day count in the law
    assert "Ответ ссылкой на опубликованный ответ" in page and shown in page, why


# --- the answer by link (art. 11 p. 5.1): only the public site, only within 7 days ---


def _article(audience: str, restricted: bool = False):
    from wagtail.models import PageViewRestriction

    from kb.models import ArticlePage

    article = ArticlePage.objects.live().filter(kind="faq").first()
    ArticlePage.objects.filter(pk=article.pk).update(audience=audience)
    PageViewRestriction.objects.filter(page=article).delete()
    if restricted:
        PageViewRestriction.objects.create(page=article, restriction_type="login")
    article.refresh_from_db()
    return article


INTERNAL = "не открыта на общедоступном сайте"
LATE = "в течение 7 дней"

# audience, a login restriction, days since registration, refused with
LINKS = [
    ("internal", False, 1, INTERNAL),
    ("public", True, 1, INTERNAL),  # public, but login-only
    ("public", False, 10, LATE),
    ("public", False, 1, None),
]


def _link_case(register_post, org, days_ago):
    _no_approval(org)
    return _registered(register_post, org, timezone.localdate() - dt.timedelta(days=days_ago))


@pytest.mark.django_db
@pytest.mark.parametrize(("audience", "restricted", "days_ago", "refused"), LINKS)
def test_service_link_only_public_within_7_days(
    audience, restricted, days_ago, refused, org, demo, register_post
):
    article = _article(audience, restricted)
    case = _link_case(register_post, org, days_ago)
    services.save_answer(case, org.executor, kind=AnswerKind.LINK, link_url=article.url)
    if refused is None:
        services.submit_answer(case, org.executor)
        return
    with pytest.raises(ValidationError) as error:
        services.submit_answer(case, org.executor)
    assert refused in " ".join(error.value.message_dict["link_url"])


@pytest.mark.django_db
@pytest.mark.parametrize(("audience", "restricted", "days_ago", "refused"), LINKS)
def test_page_link_only_public_within_7_days(
    audience, restricted, days_ago, refused, org, demo, register_post, client
):
    article = _article(audience, restricted)
    case = _link_case(register_post, org, days_ago)
    client.force_login(org.executor)
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        {"kind": "link", "link_url": article.url, "submit": "1"},
    )
    if refused is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert refused in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("audience", "restricted", "days_ago", "refused"), LINKS)
def test_api_link_only_public_within_7_days(
    audience, restricted, days_ago, refused, org, demo, register_post
):
    article = _article(audience, restricted)
    case = _link_case(register_post, org, days_ago)
    api = APIClient()
    api.force_authenticate(org.executor)
    response = api.post(
        f"/api/cases/{case.pk}/answer/",
        {"kind": "link", "link_url": article.url, "submit": True},
        format="json",
    )
    if refused is None:
        assert response.status_code == 200, response.content
        return
    assert response.status_code == 400
    assert refused in response.content.decode()
