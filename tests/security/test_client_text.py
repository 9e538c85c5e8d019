"""Client text at the boundary, end to end: a question typed into the portal form
(/cases/new/), into the registrar's form (/cases/register/) or sent to the API (POST
/api/cases/), and a reply to a clarification (the portal form and POST
/api/cases/<id>/reply/), with markup, bidi controls, zero-width and control characters
in the subject, the text and the comments; the letters to the client; and every other
form where people type text (reception, consultations, readers' feedback).

What is stored is what the client typed less the characters that hide or reorder text
(intranet.security.client_text): the words and the markup characters are all kept, as
the client's words. The client's case page, the executor's case page, the API and the
e-mail digest that names the case show the markup escaped (it never runs) and none of
the removed characters. A field of nothing but such characters is empty, and refused
as such."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services
from cases.models import Case, Clarification
from cases.tasks import send_deadline_digest
from intranet.models import OutgoingMessage
from tests.cases.conftest import make_case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings, overrides, pop
        "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
        "\u200e", "\u200f", "\u061c"]  # marks  # fmt: skip
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CONTROL = ["\x00", "\x07", "\x08", "\x1b", "\x7f", "\x9b"]
INVISIBLE = BIDI + ZERO_WIDTH + CONTROL

SUBJECT = "<script>alert('тема')</script>\u202eСправка\u202c за\u200b 2025\u2066 год\u2069\x07"
SUBJECT_KEPT = "<script>alert('тема')</script>Справка за 2025 год"
TEXT = (
    "Прошу <b>разъяснить</b>\u200e срок\u200f подачи\x00 справки:\u2067 "
    '<img src=x onerror="alert(1)">\u2068 вклад\ufeff 100\u2060000 руб.\u061c\r\n'
    "Вторая\x1b строка\x7f\x9b\u200c\u200d\u202a\u202b\u202d\x08 & <конец>"
)
TEXT_KEPT = (
    'Прошу <b>разъяснить</b> срок подачи справки: <img src=x onerror="alert(1)"> '
    "вклад 100000 руб.\nВторая строка & <конец>"
)
COMMENTS = 'Звоните <a href="javascript:alert(1)">сюда</a>\u202e 40-24\u200b'
COMMENTS_KEPT = 'Звоните <a href="javascript:alert(1)">сюда</a> 40-24'
REPLY = "Уточняю:\u202e <i>вклад</i> закрыт\u2066 20 декабря\u2069\u200b<svg/onload=alert(2)>"
REPLY_KEPT = "Уточняю: <i>вклад</i> закрыт 20 декабря<svg/onload=alert(2)>"
# What must never reach a page unescaped.
ACTIVE = ["<script>alert(", "<img src=x", 'href="javascript:', "<svg/onload", "<b>разъяснить"]


def test_the_samples_carry_every_character_to_neutralise():
    typed = SUBJECT + TEXT + COMMENTS
    assert [ch for ch in INVISIBLE if ch not in typed] == []
    assert all(ch in REPLY for ch in ("\u202e", "\u2066", "\u2069", "\u200b"))


def _question(**extra) -> dict:
    data = {"subject": SUBJECT, "text": TEXT, "client_comments": COMMENTS,
            "topic": "declarations", "reply_channel": "portal", "reply_contact": "",
            "extra_reply_channel": "", "extra_reply_contact": ""}  # fmt: skip
    data.update(extra)
    return data


def _assert_stored(case: Case) -> None:
    case.refresh_from_db()
    assert case.subject == SUBJECT_KEPT
    assert case.text == TEXT_KEPT
    assert case.client_comments == COMMENTS_KEPT


def _assert_clean(content: str, kept: list[str], where: str) -> None:
    """`content` (an HTML page) shows each of `kept` escaped, runs none of it, and has
    none of the removed characters anywhere."""
    for text in kept:
        assert escape(text) in content, (where, text)
    for active in ACTIVE:
        assert active not in content, (where, active)
    found = sorted({f"U+{ord(ch):04X}" for ch in content if ch in INVISIBLE})
    assert found == [], (where, found)


def _to_executor(case: Case, org) -> Case:
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)


def _assert_shown_everywhere(client, case: Case, org, kept: list[str]) -> None:
    """The client's page, the executor's page, the API's detail for both, and the
    executor's deadline digest."""
    client.force_login(org.client)
    _assert_clean(client.get(case.get_client_url()).content.decode(), kept, "client's page")
    api = client.get(f"/api/cases/{case.pk}/").content.decode("unicode_escape")
    assert not [ch for ch in api if ch in INVISIBLE], "client's API"
    client.force_login(org.executor)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    _assert_clean(page.content.decode(), kept, "executor's page")
    # The digest mail of the executor names the case by its subject (plain text).
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(due_date=today + dt.timedelta(days=1))
    send_deadline_digest(today=today.isoformat(), force=True)
    # The letter as the outbox will send it (sent once the test's transaction commits).
    letters = OutgoingMessage.objects.filter(kind="cases.digest", recipient=org.executor.email)
    assert len(letters) == 1
    letter = letters[0].subject + "\n" + letters[0].body
    assert f"«{SUBJECT_KEPT}»" in letter
    assert [f"U+{ord(ch):04X}" for ch in letter if ch in INVISIBLE] == []


def test_the_portal_form_stores_the_words_and_the_markup_without_invisible_characters(
    client,
    org,
):
    client.force_login(org.client)
    response = client.post(reverse("cases:new"), _question())
    case = Case.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    _assert_stored(case)
    case = _to_executor(case, org)
    # A reply to a clarification through the portal form.
    services.ask_clarification(case, org.executor, question="Когда закрыт вклад?")
    client.force_login(org.client)
    replied = client.post(reverse("cases:client_reply", args=[case.pk]), {"text": REPLY})
    assert replied.status_code == 302
    assert Clarification.objects.get(case=case).reply == REPLY_KEPT
    _assert_shown_everywhere(
        client, case, org, [SUBJECT_KEPT, TEXT_KEPT, COMMENTS_KEPT, REPLY_KEPT]
    )


def test_the_api_stores_the_words_and_the_markup_without_invisible_characters(
    client,
    org,
):
    client.force_login(org.client)
    response = client.post("/api/cases/", _question(), content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    _assert_stored(case)
    body = response.json()
    assert (body["subject"], body["text"], body["client_comments"]) == (
        SUBJECT_KEPT,
        TEXT_KEPT,
        COMMENTS_KEPT,
    )
    case = _to_executor(case, org)
    services.ask_clarification(case, org.executor, question="Когда закрыт вклад?")
    client.force_login(org.client)
    replied = client.post(f"/api/cases/{case.pk}/reply/", {"text": REPLY},
                          content_type="application/json")  # fmt: skip
    assert replied.status_code == 200, replied.content
    assert Clarification.objects.get(case=case).reply == REPLY_KEPT
    _assert_shown_everywhere(
        client, case, org, [SUBJECT_KEPT, TEXT_KEPT, COMMENTS_KEPT, REPLY_KEPT]
    )


def test_the_services_store_client_text_neutralised_whoever_calls_them(org):
    """The services apply the same function when they store (the registrar's form, a
    reception card and the demo call them directly)."""
    case = services.register_message(org.registrar, channel="email", subject=SUBJECT,
                                     text=TEXT, client_comments=COMMENTS, client=org.client,
                                     reply_channel="portal")  # fmt: skip
    _assert_stored(case)


NOTHING_VISIBLE = "\u202e\u200b\u2066\u2069\x07\ufeff"


def test_a_field_of_invisible_characters_only_is_empty_and_refused(client, org):
    """Neutralised before the fields' checks: one field at a time is made of nothing
    visible (the other fields are valid), and the form and the API refuse it."""
    client.force_login(org.client)
    visible = {"subject": SUBJECT_KEPT, "text": TEXT_KEPT, "client_comments": COMMENTS_KEPT}
    form = client.post(reverse("cases:new"), _question(**{**visible, "subject": NOTHING_VISIBLE}))
    assert form.status_code == 200, form.get("Location")
    assert list(form.context["form"].errors) == ["subject"]
    api = client.post("/api/cases/", _question(**{**visible, "subject": NOTHING_VISIBLE}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and list(api.json()) == ["subject"], api.content
    # The text needs ten characters one can see, not ten invisible ones.
    short = _question(**{**visible, "text": "Вопрос" + NOTHING_VISIBLE * 3})
    form = client.post(reverse("cases:new"), short)
    assert form.status_code == 200 and list(form.context["form"].errors) == ["text"]
    api = client.post("/api/cases/", short, content_type="application/json")
    assert api.status_code == 400 and list(api.json()) == ["text"], api.content
    assert not Case.objects.exists()


# --- the registrar's form, and the letters to the client -----------------------------

EXTERNAL_NAME = "Сидоров\u202e Пётр\u200b Ильич\u2066"
QUESTION = "Уточните\u202e, за какой\u2067 год\u2069 справка\u200b?"


def test_the_registrar_form_and_the_letter_to_the_client_carry_no_invisible_characters(
    client, org, django_capture_on_commit_callbacks
):
    """A message registered from the post through the registrar's form, with the
    client's name, address and e-mail as typed; then the executor's question goes to the
    client by e-mail. Nothing invisible is stored, shown or sent."""
    client.force_login(org.registrar)
    data = {"channel": "post", "regime": "", "external_kind": "person",
            "external_name": EXTERNAL_NAME, "external_postal_address": "СПб,\u202e Невский\u200b 1",
            "subject": SUBJECT, "text": TEXT, "client_comments": COMMENTS,
            "topic": "declarations",
            "received_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "reply_channel": "email", "reply_contact": "sidorov@example.org\u200b"}  # fmt: skip
    response = client.post(reverse("cases:register"), data)
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    _assert_stored(case)
    assert case.external_client.name == "Сидоров Пётр Ильич"
    assert case.external_client.postal_address == "СПб, Невский 1"
    assert case.reply_contact == "sidorov@example.org"
    page = client.get(response["Location"])
    _assert_clean(page.content.decode(), [SUBJECT_KEPT, TEXT_KEPT, COMMENTS_KEPT], "registrar")
    case = _to_executor(case, org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_clarification(case, org.executor, question=QUESTION)
    letters = [m for m in mail.outbox if m.to == ["sidorov@example.org"]]
    assert len(letters) == 1
    letter = letters[0].subject + "\n" + letters[0].body
    # The official letter greets by the first name and patronymic, the addressee in the
    # dative (cases.letters).
    assert "Уважаемый Пётр Ильич!" in letter and "Сидорову П. И." in letter
    assert "Уточните, за какой год справка?" in letter
    assert [f"U+{ord(ch):04X}" for ch in letter if ch in INVISIBLE] == []
    client.force_login(org.executor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    _assert_clean(page, ["Уточните, за какой год справка?"], "executor's page, question")


def test_every_letter_is_sent_without_invisible_characters_whatever_its_parts(org, make_case):  # noqa: F811
    """The letter is cleaned as a whole when it is queued (cases.delivery.queue_letters):
    here the client's own name, set by an administrator with an override in it, heads
    the letter."""
    from cases.choices import ReplyChannel
    from cases.models import Delivery

    org.client.last_name = "Иванов\u202e\u200b"
    org.client.save()
    case = make_case(state="assigned", client=org.client, reply_channel=ReplyChannel.EMAIL,
                     reply_contact="client@example.gov.ru")  # fmt: skip
    services.ask_clarification(case, org.executor, question="За какой год?")
    for letter in Delivery.objects.filter(case=case):
        typed = letter.subject + letter.body
        assert "Иванов" in letter.body
        assert [f"U+{ord(ch):04X}" for ch in typed if ch in INVISIBLE] == [], letter.channel


# --- every other form where people type text ----------------------------------------


def _forms():
    from cases.consultations.forms import ConsultationForm
    from cases.reception.forms import BookingForm, CancelForm, CardForm
    from kb.forms import FeedbackForm

    return [
        (BookingForm, {"slot": "2026-12-08T10:00:00+03:00", "topic": "declarations",
                       "reminder_channel": "phone"},
         ["question", "reminder_contact"]),
        (CancelForm, {"shown": "x"}, ["reason"]),
        (CardForm, {}, ["message", "answer"]),
        (FeedbackForm, {"helpful": "no"}, ["comment"]),
        (ConsultationForm, {"channel": "phone", "topic": "declarations", "outcome": "answered",
                            "duration_minutes": "5"},
         ["client_name", "client_contact", "question", "answer"]),
    ]  # fmt: skip


def test_every_form_of_typed_text_takes_it_without_invisible_characters(org):
    """The reception booking (question, contact), its cancellation reason, the reception
    card (the visitor's words, the oral answer), the readers' feedback and the
    consultation log: the fields keep the words and lose the characters."""
    for form_class, valid, fields in _forms():
        form = form_class(data={**valid, **dict.fromkeys(fields, REPLY)})
        assert form.is_valid(), (form_class.__name__, form.errors)
        for field in fields:
            assert form.cleaned_data[field] == REPLY_KEPT, (form_class.__name__, field)
        # A field of nothing visible is empty: refused where the field is required.
        form = form_class(data={**valid, **dict.fromkeys(fields, NOTHING_VISIBLE)})
        form.is_valid()
        for field in fields:
            value = form.cleaned_data.get(field, "")
            assert value in ("", None) or field in form.errors, (form_class.__name__, field)
