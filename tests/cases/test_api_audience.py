"""What the cases API shows to whom. The client who sent a case gets, from the API,
exactly what the portal's pages show them (the page of the question with its timeline,
and «Мои вопросы»), field by field: every field of the client's API is a datum those
pages show, and its value is on them. Nothing of the internal triage reaches the client
(a registrar's urgency comment, the suggestion and its reasons, usernames, the timeline's
internal entries and actors). Staff who handle the case keep the workspace's view."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import ReplyChannel, Status
from cases.models import EventKind, NoAnswerGround
from cases.topics import Topic

pytestmark = pytest.mark.django_db

URGENCY_COMMENT = "заявитель сутяжник, проверить все прошлые обращения"


def _date(value: str) -> str:
    return dt.date.fromisoformat(value).strftime("%d.%m.%Y")


def _day(value: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%d.%m.%Y")


def _minute(value: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%d.%m.%Y %H:%M")


def _same(value) -> str:
    return str(value)


# Every field the client's API may hold, and how the client's pages show its value.
# A field that is not here fails the test: the client's API holds nothing the pages
# do not show. (`audience` names the view, it is no datum of the case.)
SHOWN = {
    "id": lambda v: reverse("cases:client_detail", args=[v]),  # the pages link the case
    "registration_number": _same,
    "subject": _same,
    "received_at": _day,  # «Отправлен» in «Мои вопросы»
    "status": lambda v: str(Status(v).label),
    "due_date": lambda v: f'datetime="{v}"',  # «Ответ ожидается до»
    "deadline_state": lambda v: f'data-state="{v}"',
    "registered_at": _day,
    "topic": lambda v: str(Topic(v).label),
    "unit.name": _same,  # «Рассматривает»
    "executor.full_name": _same,
    "reply_channel": lambda v: str(ReplyChannel(v).label),
    "reply_contact": _same,
    "extra_reply_channel": lambda v: str(ReplyChannel(v).label).lower(),
    "extra_reply_contact": _same,
    "text": _same,
    "client_comments": _same,
    "attachments[].original_name": _same,
    "attachments[].url": _same,
    "question": _same,  # «У нас к вам вопрос»
    "answer.outgoing_number": _same,
    "answer.outgoing_date": _date,
    "answer.body": _same,
    "answer.grounds": _same,
    "answer.link_url": _same,
    "answer.no_answer_ground": lambda v: str(NoAnswerGround(v).label),
    "answer.attachments[].original_name": _same,
    "answer.attachments[].url": _same,
    "rating.score": lambda v: f"{v}/5",  # «Ваша оценка: 5/5»
    "rating.comment": _same,  # in the rating form
    "events[].at": _minute,
    "events[].kind": lambda v: str(EventKind(v).label),
    "events[].message": _same,
}


def flatten(value, path: str = ""):
    """(path, leaf) pairs of a JSON body: `a.b`, lists as `a[]`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item, f"{path}[]")
        if not value:
            yield f"{path}[]", None
    else:
        yield path, value


def _is_shown(path: str) -> bool:
    """A field of the table, or an empty object or list of its fields (no answer yet)."""
    return path in SHOWN or any(key.startswith(path + ".") for key in SHOWN)


def compare(body: dict, pages: str, checked: set) -> list[str]:
    """What in the client's API body is not on the client's pages."""
    problems = []
    assert body.pop("audience") == "client"
    text = html.unescape(pages)
    for path, value in flatten(body):
        if not _is_shown(path):
            problems.append(f"{path}: not on the client's pages ({value!r})")
            continue
        if value in (None, "") or path not in SHOWN:
            continue  # nothing to show (an empty list, no answer yet, no topic)
        expected = SHOWN[path](value)
        if expected not in pages and expected not in text:
            problems.append(f"{path}: {expected!r} is not on the client's pages")
        checked.add(path)
    return problems


def _answer(case, org, kind: str, **fields):
    services.save_answer(case, org.executor, kind=kind, **fields)
    services.submit_answer(case, org.executor)
    if services.needs_approval(case, kind):
        services.approve_answer(case, org.head, comment="Согласовано.")
    services.register_answer(case, org.executor)


@pytest.fixture
def client_cases(org, make_case):
    """Cases of `client` with everything a client's page can show: one waiting for the
    client's reply to a question; one answered on the merits, with files, and rated; one
    refused and one left without an answer on a lawful ground. Each has a registrar's
    urgency comment and an executor. (An answer by a link to a public article needs
    the knowledge base: `answer.link_url` is shown by the same template, unchecked here.)"""
    from cases.models import Case

    registrar = org.registrar
    made = {}
    for key in ("waiting", "answered", "refused", "no_answer"):
        case = make_case(
            subject=f"Подарок к юбилею: «{key}» <уведомлять?>",
            text="Коллеги подарили часы стоимостью около 5 000 рублей. Нужно ли уведомлять?",
            topic=Topic.PROHIBITIONS,
            client_comments="Звонить после 15:00 & не раньше",
            reply_channel=ReplyChannel.EMAIL,
            reply_contact="client@example.gov.ru",
            extra_reply_channel=ReplyChannel.POST,
            extra_reply_contact="СПб, Суворовский пр-кт, д. 67",
            uploads=[SimpleUploadedFile("чек.pdf", b"%PDF-1.4 receipt")],
        )
        case = services.decide_urgency(case, registrar, urgent=True, comment=URGENCY_COMMENT)
        case = services.assign(case, registrar, unit=org.units["ОДС"], executor=org.executor)
        made[key] = case
    services.ask_clarification(
        made["waiting"], org.executor, question="Укажите, пожалуйста, дату вручения подарка."
    )
    _answer(
        made["answered"], org, "merits",
        body="<p>Уведомлять нужно: подарок дороже 3 000 рублей.</p>",
        uploads=[SimpleUploadedFile("форма уведомления.pdf", b"%PDF-1.4 form")],
    )  # fmt: skip
    services.rate_answer(
        Case.objects.get(pk=made["answered"].pk), org.client, score=5, comment="Спасибо, понятно"
    )
    _answer(
        made["refused"], org, "refusal",
        grounds="Мы не можем сообщить сведения о доходах другого служащего: это его "
        "личные сведения, их раскрывают только с его согласия.",
    )  # fmt: skip
    _answer(made["no_answer"], org, "no_answer", no_answer_ground=NoAnswerGround.REPEATED)
    return made


def _internal(case, org) -> list[str]:
    """What the client must not learn: the triage, the staff's usernames, the internal
    timeline's words."""
    from cases.models import Case

    case = Case.objects.get(pk=case.pk)
    hidden = [URGENCY_COMMENT, org.executor.username, org.registrar.username]
    hidden += [reason for reason in case.urgency_reasons if reason]
    for event in case.events.filter(visible_to_client=False):
        hidden += [text for text in (event.message, event.reason) if text]
    assert case.urgency_comment == URGENCY_COMMENT and case.urgency_reasons
    return hidden


def test_the_clients_api_shows_what_the_clients_pages_show(client, org, client_cases):
    client.force_login(org.client)
    mine = client.get(reverse("cases:mine")).content.decode()
    checked: set = set()
    for key, case in client_cases.items():
        # The page first: opening it records that the client read the answer.
        page = client.get(case.get_client_url()).content.decode()
        response = client.get(f"/api/cases/{case.pk}/")
        assert response.status_code == 200
        body = response.json()
        values = [str(value) for _path, value in flatten(body) if value not in (None, "")]
        for secret in _internal(case, org):
            assert not [value for value in values if secret in value], (key, secret)
        # The client's timeline: the same entries as the page's, none of the others.
        assert len(body["events"]) == page.count('class="timeline-item')
        assert len(body["events"]) == case.events.filter(visible_to_client=True).count()
        assert compare(body, page + mine, checked) == [], key
    # Every field the table allows was shown with a value by one of the cases: the
    # table is what the pages show, not a list of names.
    assert set(SHOWN) - checked == {"answer.link_url"}

    # «Мои вопросы»: the list gives the columns of the page's rows, nothing else.
    rows = client.get("/api/cases/").json()["results"]
    assert {row["id"] for row in rows} == {case.pk for case in client_cases.values()}
    for row in rows:
        assert set(row) == {
            "audience", "id", "registration_number", "subject", "received_at", "status",
            "due_date", "deadline_state",
        }  # fmt: skip
        assert compare(row, mine, set()) == []


def test_staff_keep_the_workspace_view(client, org, make_case):
    case = make_case(state="triaged")
    services.decide_urgency(case, org.registrar, urgent=True, comment=URGENCY_COMMENT)
    services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)
    client.force_login(org.executor)
    body = client.get(f"/api/cases/{case.pk}/").json()
    assert body["audience"] == "staff"
    assert body["urgency_comment"] == URGENCY_COMMENT and body["urgency_reasons"]
    assert body["executor"]["username"] == org.executor.username
    assert any(event["actor"] and not event["visible_to_client"] for event in body["events"])
    rows = client.get("/api/cases/?queue=all").json()["results"]
    row = next(row for row in rows if row["id"] == case.pk)
    assert row["audience"] == "staff" and row["urgency"] == "urgent"


def test_a_staff_members_own_question_is_given_to_them_as_its_client(client, org, make_case):
    """An executor who asks a question of their own, not routed yet (so not theirs to
    handle), gets the client's view of it in their list and on its page."""
    own = make_case(client=org.executor2, subject="Мой собственный вопрос")
    services.decide_urgency(own, org.registrar, urgent=False, comment=URGENCY_COMMENT)
    client.force_login(org.executor2)
    rows = client.get("/api/cases/?queue=all").json()["results"]
    row = next(row for row in rows if row["id"] == own.pk)
    assert row["audience"] == "client" and "urgency" not in row
    body = client.get(f"/api/cases/{own.pk}/").json()
    assert body["audience"] == "client"
    assert URGENCY_COMMENT not in json.dumps(body, ensure_ascii=False)
