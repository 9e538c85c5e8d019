"""Retention: closed cases filed by rules, files due for a destruction review after their
period, nothing deleted automatically, deletion only under an act a head approved, every
deletion logged; refused roles."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.choices import Regime, Status
from cases.models import Case
from cases.retention import services
from cases.retention.models import CaseFile, FiledCase
from cases.retention.tasks import FILE_TASK, file_closed_cases
from intranet.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def closed(make_case, org, year, regime=None, **fields):
    case = make_case(**fields)
    update = {"status": Status.CLOSED, "closed_at": timezone.make_aware(dt.datetime(year, 6, 1))}
    if regime:
        update["regime"] = regime
    Case.objects.filter(pk=case.pk).update(**update)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def files():
    def make(year, index, title, regime="", mark=""):
        return CaseFile.objects.create(
            year=year, index=index, title=title, regime=regime, retention_years=5, mark=mark
        )

    return {
        "appeals_2019": make(2019, "01-15", "Обращения граждан", Regime.APPEAL, "ЭПК"),
        "general_2019": make(2019, "01-16", "Прочие сообщения"),
        "appeals_2026": make(2026, "01-15", "Обращения граждан", Regime.APPEAL, "ЭПК"),
    }


def test_closed_cases_are_filed_by_year_and_regime(org, make_case, files):
    appeal = closed(make_case, org, 2019, Regime.APPEAL, subject="Обращение 2019")
    internal = closed(make_case, org, 2019, Regime.INTERNAL, subject="Внутренний запрос 2019")
    orphan = closed(make_case, org, 2021, Regime.APPEAL, subject="Обращение 2021")
    still_open = make_case(subject="Открытое")
    assert file_closed_cases.delay().get() == 2  # the beat task, run eagerly
    assert FiledCase.objects.get(case=appeal).case_file == files["appeals_2019"]
    assert FiledCase.objects.get(case=internal).case_file == files["general_2019"]
    assert not FiledCase.objects.filter(case__in=[orphan, still_open]).exists()
    assert services.unfiled_count() == 1  # 2021 has no file: shown to the registrar
    assert services.file_closed_cases() == 0  # idempotent


def test_period_counts_from_the_year_after(files):
    appeals = files["appeals_2019"]
    assert appeals.review_due_on == dt.date(2025, 1, 1)
    assert appeals.is_due(dt.date(2025, 1, 1)) and not appeals.is_due(dt.date(2024, 12, 31))
    assert not files["appeals_2026"].is_due(dt.date(2026, 11, 23))


def test_nothing_is_deleted_without_an_approved_act(org, make_case, files):
    case = closed(make_case, org, 2019, Regime.APPEAL, subject="Старое обращение")
    services.file_closed_cases()
    # The beat only files; a due file keeps its cases.
    file_closed_cases.delay().get()
    assert Case.objects.filter(pk=case.pk).exists()
    # Not due yet: no act.
    with pytest.raises(ValidationError):
        services.draft_act(files["appeals_2026"], org.registrar, "Экспертная комиссия решила")
    # ЭПК: the grounds must record the expert commission's decision.
    with pytest.raises(ValidationError):
        services.draft_act(files["appeals_2019"], org.registrar, "Срок истёк")
    act = services.draft_act(files["appeals_2019"], org.registrar,
                             "Решение экспертной комиссии от 10.02.2025 № 3")  # fmt: skip
    with pytest.raises(ValidationError):  # not approved yet
        services.execute_act(act, org.registrar)
    assert Case.objects.filter(pk=case.pk).exists()
    for refused in (org.registrar, org.executor, org.client):
        with pytest.raises(PermissionDenied):
            services.approve_act(act, refused)
    services.approve_act(act, org.chief)
    with pytest.raises(PermissionDenied):
        services.execute_act(act, org.head)  # executing is the registrar's
    assert services.execute_act(act, org.registrar) == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    act.refresh_from_db()
    assert act.destroyed[0]["number"] == case.registration_number
    event = AuditEvent.objects.get(action="record_destroyed")
    assert event.actor == org.registrar and event.details["number"] == case.registration_number
    with pytest.raises(ValidationError):
        services.execute_act(act, org.registrar)  # once


def test_screens_and_refused_roles(client, org, make_case, files):
    closed(make_case, org, 2019, Regime.APPEAL)
    services.file_closed_cases()
    url = reverse("retention:index")
    for user in (org.client, org.reader, org.executor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(org.registrar)
    page = client.get(url).content.decode()
    assert f'data-file="{files["appeals_2019"].pk}" class="is-due"' in page
    response = client.post(reverse("retention:draft", args=[files["appeals_2019"].pk]),
                           {"reason": "Решение экспертной комиссии № 3"})  # fmt: skip
    assert response.status_code == 302
    act = files["appeals_2019"].acts.get()
    client.force_login(org.executor)
    assert client.post(reverse("retention:approve", args=[act.pk])).status_code == 403
    client.force_login(org.head)
    # An act of destruction is approved («Утвердить»), not agreed like an answer
    # («Согласовать», the desk's word for the same English msgid).
    assert ">Утвердить</button>" in client.get(url).content.decode()
    assert client.post(reverse("retention:approve", args=[act.pk])).status_code == 302
    act.refresh_from_db()
    assert act.approved_by == org.head
    client.force_login(org.registrar)
    response = client.post(url, {"year": "2027", "index": "01-15", "title": "Обращения",
                                 "regime": "", "retention_years": "5", "mark": "ЭПК"})  # fmt: skip
    assert response.status_code == 302 and CaseFile.objects.filter(year=2027).exists()


def test_filing_is_on_the_beat_schedule():
    from intranet.celery import app

    app.finalize()
    assert FILE_TASK in {entry["task"] for entry in app.conf.beat_schedule.values()}


def test_answered_cases_can_be_destroyed_with_their_timeline(org, make_case, files):
    """A real answered and closed case (answer, deliveries, events) goes as a whole."""
    from cases.models import AnswerKind, UnitCaseSettings

    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = make_case(state="assigned")
    case_services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    case_services.submit_answer(case, org.executor)
    case_services.register_answer(case, org.executor)
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=timezone.make_aware(dt.datetime(2019, 3, 1)),
        regime=Regime.APPEAL,
    )  # fmt: skip
    services.file_closed_cases()
    act = services.draft_act(files["appeals_2019"], org.registrar, "Экспертная комиссия, № 4")
    services.approve_act(act, org.head)
    assert services.execute_act(act, org.registrar) == 1
    assert not Case.objects.filter(pk=case.pk).exists()
