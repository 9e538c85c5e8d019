"""Official letters of the cases desk, rendered from templates (docs/letters.md).

Each letter is a pair of templates in ``cases/templates/cases/letters/``: ``<name>.html``
(the letter as HTML: an ``<article class="letter">`` shown in the portal, printed and
made into the PDF) and ``<name>.txt`` (the same letter as plain text: the e-mail's body).
Both extend their ``base`` with the requisites of a Russian official letter (ГОСТ Р
7.0.97-2016): the body's letterhead (``intranet.models.BodyRequisites``, set in the
admin), the date and outgoing number, the reference to the client's message, the
addressee in the dative, the greeting (``intranet.names``), the text, the signatory's
position and «И. И. Петров», and the executor with their phone at the foot.

``render(kind, case, …) -> Letter`` renders one; ``record(letter, …)`` keeps it as an
``OutgoingLetter`` (what was sent is what is printed later); ``pdf(letter) -> bytes``
makes the A4 PDF (WeasyPrint, fonts embedded); ``attachment_for(delivery)`` is the PDF
the e-mail of a delivery carries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases.choices import ClientKind, Regime, ReplyChannel
from cases.models import AnswerKind, Case, LetterKind, NoAnswerGround, OutgoingLetter
from intranet import links, names
from intranet.models import BodyRequisites
from intranet.security import client_text

TEMPLATE_DIR = "cases/letters"

# The letters to the client (their addressee is the client; they answer the client's
# message, so they carry its number and date); the others go to another body.
CLIENT_KINDS = frozenset(
    {
        LetterKind.ANSWER,
        LetterKind.NO_ANSWER,
        LetterKind.CLARIFICATION,
        LetterKind.EXTENSION,
        LetterKind.DEADLINE,
        LetterKind.FORWARDING,
        LetterKind.ACKNOWLEDGEMENT,
    }
)

# A greeting the answer's text starts with (a typical answer's «Уважаемый(ая)
# {client_name}!»): the letter has its own, so it goes, and so does its paragraph when
# nothing else is in it; the text after it in the same paragraph stays.
LEADING_GREETING = re.compile(
    r"^(\s*<p[^>]*>)\s*(?:Уважаем|Здравствуй|Добрый день|Dear |Hello)[^<!.?]{0,150}!\s*",
    re.IGNORECASE,
)
EMPTY_PARAGRAPH = re.compile(r"^\s*<p[^>]*>\s*</p>\s*")


@dataclass(frozen=True)
class Letter:
    """One rendered letter: its subject, the plain text (the e-mail's body) and the
    HTML (an ``<article class="letter">``), with the number and date it carries."""

    kind: str
    subject: str
    text: str
    html: str
    number: str = ""
    date: dt.date | None = None
    addressee: str = ""
    signatory: object = field(default=None, compare=False, repr=False)

    @property
    def filename(self) -> str:
        """The PDF's file name: the outgoing number («ИСХ-2026-000042.pdf»)."""
        stem = re.sub(r"[^\w-]+", "", self.number or "") or str(self.kind)
        return f"{stem}.pdf"


def _fmt(value: dt.date | None) -> str:
    return formats.date_format(value, "d.m.Y") if value else "—"


def your_message(case: Case) -> str:
    """«ваше обращение № … от …»: how the letters name the client's message."""
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    return _("your message no. %(number)s of %(date)s") % {
        "number": case.registration_number or "—",
        "date": _fmt(registered),
    }


def portal_url(case: Case) -> str:
    return links.absolute(case.get_client_url()) if case.client_id else ""


def client_name(case: Case) -> names.FullName | None:
    """The client's name in parts, or None for an organisation (or no client)."""
    if case.client_id:
        return names.of_user(case.client)
    if case.external_client_id:
        external = case.external_client
        if external.kind == ClientKind.ORGANISATION:
            return None
        return names.split(external.name)
    return None


def _client_addressee(case: Case) -> list[str]:
    """The addressee block of a letter to the client: the name in the dative («Иванову
    И. И.», an organisation as it is named), then where the letter goes."""
    name = client_name(case)
    if name is not None:
        lines = [names.surname_initials(name, names.DATIVE)]
    else:
        lines = [case.client_name] if case.client_name else []
    external = case.external_client if case.external_client_id else None
    address = external.postal_address if external else ""
    if not address and case.reply_channel == ReplyChannel.POST:
        address = case.reply_contact
    email = (external.email if external else "") or (case.client.email if case.client_id else "")
    if case.reply_channel == ReplyChannel.EMAIL and case.reply_contact:
        email = case.reply_contact
    lines += [line for line in (address or email or "").splitlines() if line.strip()]
    return lines


def _client_genitive(case: Case) -> str:
    """The client's full name in the genitive («обращение Иванова Ивана Ивановича»)."""
    name = client_name(case)
    if name is None:
        return case.client_name
    return str(names.inflect(name, names.GENITIVE))


def person(user) -> dict | None:
    """A signatory or executor as a letter names them: position, «И. И. Петров», the
    full name and the phone (the staff profile's, else the unit's)."""
    if user is None:
        return None
    name = names.of_user(user)
    profile = getattr(user, "profile", None)  # a missing profile is an AttributeError
    phone = (profile.phone if profile else "") or (
        profile.unit.phone if profile and profile.unit_id else ""
    )
    return {
        "position": profile.position if profile else "",
        "name": names.initials_surname(name) or user.get_username(),
        "full_name": str(name) or user.get_username(),
        "phone": phone,
    }


def template_name(kind: str, answer=None) -> str:
    if kind == LetterKind.ANSWER and answer is not None:
        return f"answer_{answer.kind}"
    if kind == LetterKind.NO_ANSWER:
        return f"answer_{AnswerKind.NO_ANSWER}"
    return str(kind)


def answer_body(answer) -> str:
    """The answer's sanitised HTML without a greeting of its own at the start."""
    if answer is None:
        return ""
    body = LEADING_GREETING.sub(r"\1", answer.body or "", count=1)
    return EMPTY_PARAGRAPH.sub("", body, count=1)


def subject_of(kind: str, case: Case, **context) -> str:
    number = case.registration_number
    if kind in (LetterKind.ANSWER, LetterKind.NO_ANSWER):
        return _("Answer to your message %(number)s") % {"number": number}
    if kind == LetterKind.CLARIFICATION:
        return _("Question about your message %(number)s") % {"number": number}
    if kind == LetterKind.EXTENSION:
        return _("The answer to your message %(number)s will come by %(date)s") % {
            "number": number,
            "date": _fmt(context.get("new_due")),
        }
    if kind == LetterKind.DEADLINE:
        return _("The answer to your message %(number)s is now due by %(date)s") % {
            "number": number,
            "date": _fmt(context.get("new_due")),
        }
    if kind == LetterKind.FORWARDING:
        return _("Your message %(number)s has been sent to %(body)s") % {
            "number": number,
            "body": context["forwarding"].body_name,
        }
    if kind == LetterKind.ACKNOWLEDGEMENT:
        return _("Your message is registered under number %(number)s") % {"number": number}
    if kind == LetterKind.COVERING:
        return _("Forwarding of message %(number)s for consideration") % {"number": number}
    if kind == LetterKind.DOCUMENTS:
        return _("Request for documents on message %(number)s") % {"number": number}
    raise ValueError(f"unknown letter kind {kind!r}")


def render(
    kind: str,
    case: Case,
    *,
    number: str = "",
    date: dt.date | None = None,
    signatory=None,
    executor=None,
    answer=None,
    **context,
) -> Letter:
    """The letter `kind` (LetterKind) on `case`, numbered `number` of `date`, signed by
    `signatory` (a user), with `executor` (a user; default the case's executor) at the
    foot. Kind-specific values come as keywords: `question` (clarification); `days`,
    `new_due`, `reason` (extension); `new_due`, `old_due`, `change` (deadline);
    `forwarding` and `covering` (forwarding notice: the Forwarding and the covering
    OutgoingLetter); `forwarding` (covering letter); `body_request` (documents)."""
    date = date or timezone.localdate()
    executor = executor if executor is not None else (case.executor if case.executor_id else None)
    to_client = kind in CLIENT_KINDS
    with translation.override(settings.LANGUAGE_CODE):
        name = client_name(case) if to_client else None
        if to_client:
            addressee = _client_addressee(case)
            greeting = names.greeting(name or names.FullName())
        else:
            body = context.get("forwarding") or context.get("body_request")
            addressee = [body.body_name] + [
                line
                for line in (getattr(body, "body_contacts", "") or "").splitlines()
                if line.strip()
            ]
            greeting = ""
        registered = timezone.localdate(case.registered_at) if case.registered_at else None
        values = {
            "kind": str(kind),
            "case": case,
            "requisites": BodyRequisites.load(),
            "number": number,
            "date": date,
            "reference_number": case.registration_number if to_client else "",
            "reference_date": registered,
            "registered": registered,
            "addressee_lines": addressee,
            "greeting": greeting,
            "signatory": person(signatory),
            "executor": person(executor),
            "your_message": your_message(case),
            "portal_url": portal_url(case) if to_client else "",
            "client_genitive": _client_genitive(case),
            "is_appeal": case.regime == Regime.APPEAL,
            "answer": answer,
            "answer_body": answer_body(answer),
            "answer_files": [a.original_name for a in answer.attachments.all()]
            if answer is not None and answer.pk
            else [],
            "no_answer_explanation": no_answer_explanation(answer.no_answer_ground)
            if answer is not None
            else "",
            **context,
        }
        base = f"{TEMPLATE_DIR}/{template_name(kind, answer)}"
        html = render_to_string(f"{base}.html", values)
        text = render_to_string(f"{base}.txt", values)
        subject = subject_of(kind, case, **context)
    return Letter(
        kind=str(kind),
        subject=client_text(subject)[:255],
        text=_tidy(client_text(text)),
        html=client_text(html),
        number=number,
        date=date,
        addressee=client_text(" ".join(addressee[:1]))[:500],
        signatory=signatory,
    )


def _tidy(text: str) -> str:
    """Plain text without the blank lines the templates' tags leave: at most one empty
    line between paragraphs, none at the ends."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def no_answer_explanation(ground: str) -> str:
    """What the notice on a 59-FZ art. 11 ground tells the client beyond the ground."""
    texts = {
        NoAnswerGround.COURT: _(
            "Your message is returned. A court decision is appealed only in court: an "
            "appeal, a cassation or a supervisory complaint is filed through "
            "the court that took the decision, within the time limits set by procedural "
            "law and stated in the decision."
        ),
        NoAnswerGround.UNREADABLE: _(
            "The text of your message cannot be read. Once the reason is removed, you may "
            "send the message again."
        ),
        NoAnswerGround.UNCLEAR: _(
            "We could not understand what your message asks or proposes. Once the reason is "
            "removed, you may send the message again, stating the substance of your "
            "question."
        ),
        NoAnswerGround.SECRET: _(
            "An answer on the merits is impossible: it would disclose information "
            "constituting a state or other secret protected by federal law."
        ),
    }
    return str(texts.get(ground, ""))


def record(letter: Letter, case: Case, *, by=None, answer=None, body_request=None):
    """Keep `letter` as issued (OutgoingLetter): call in the transaction that issues it."""
    return OutgoingLetter.objects.create(
        case=case,
        kind=letter.kind,
        number=letter.number or None,
        date=letter.date or timezone.localdate(),
        addressee=letter.addressee,
        subject=letter.subject,
        text=letter.text,
        html=letter.html,
        answer=answer,
        body_request=body_request,
        signed_by=letter.signatory,
        created_by=by if by is not None and by.is_authenticated else None,
    )


def issue(
    kind: str,
    case: Case,
    *,
    number: str,
    date: dt.date,
    by=None,
    signatory=None,
    answer=None,
    body_request=None,
    **context,
) -> OutgoingLetter:
    """Render the letter `kind` and keep it as issued under `number` of `date` (the
    caller takes the number from the counter in the same transaction)."""
    letter = render(kind, case, number=number, date=date, signatory=signatory,
                    answer=answer, body_request=body_request, **context)  # fmt: skip
    return record(letter, case, by=by, answer=answer, body_request=body_request)


def of_record(outgoing: OutgoingLetter) -> Letter:
    """The letter as it was issued."""
    return Letter(
        kind=outgoing.kind,
        subject=outgoing.subject,
        text=outgoing.text,
        html=outgoing.html,
        number=outgoing.number or "",
        date=outgoing.date,
        addressee=outgoing.addressee,
    )


def document(letter: Letter) -> str:
    """The letter as a whole HTML document for the PDF (A4, the letter's own styles)."""
    return render_to_string(f"{TEMPLATE_DIR}/document.html", {"letter": letter})


def pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF: letterhead on top, the executor at the foot of the last
    page, page numbers from the second page; the fonts (Liberation Serif, DejaVu
    Serif as the fallback) are embedded, so the Cyrillic text reads the same anywhere."""
    # Imported here, not at the top: WeasyPrint loads Pango and its fonts (about a second
    # at every start of a process), and most processes never make a PDF.
    import weasyprint

    return weasyprint.HTML(string=document(letter)).write_pdf()


def attachment_for(delivery) -> tuple[str, bytes, str] | None:
    """The PDF an e-mail of `delivery` carries: (file name, content, MIME type), or None
    for a delivery queued before letters were kept."""
    if delivery.letter_id is None:
        return None
    letter = of_record(delivery.letter)
    return letter.filename, pdf(letter), "application/pdf"
