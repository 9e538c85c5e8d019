"""Answers: the rules of each kind of answer, drafting, approval by the head,
registration with an outgoing number and the letter to the client, the client reading
and rating it, typical answers filled from the case, and the ratings report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction, Site

from cases import deadlines, letters, permissions, plain_language
from cases.choices import Status
from cases.models import (
    Answer,
    AnswerAttachment,
    AnswerKind,
    AnswerRevision,
    AnswerStatus,
    Case,
    DeliveryPurpose,
    EventKind,
    LetterKind,
    NoAnswerGround,
    Rating,
    UnitCaseSettings,
)
from cases.services.common import (
    CaseStateError,
    EditConflict,
    _check_work,
    _fmt,
    _issue_letter,
    _lock,
    _record,
    _send_letter,
)
from cases.services.numbering import next_outgoing_number
from intranet import names
from intranet.security import client_text, plain_text, sanitize_html
from intranet.uploads import safe_filename, validate_upload
from intranet.workdays import get_calendar
from kb.models import ArticlePage
from kb.typical_answers import placeholders


def answer_version(answer) -> str:
    """The version of an answer as the edit forms carry it: its last save, to the
    microsecond ("" while there is no answer)."""
    if answer is None or answer.pk is None or answer.updated_at is None:
        return ""
    return str(int(answer.updated_at.timestamp() * 1_000_000))


def needs_approval(case: Case, kind: str) -> bool:
    """Refusals always go to the head; other answers when the unit says so (default:
    yes)."""
    if kind == AnswerKind.REFUSAL:
        return True
    if case.unit_id is None:
        return False
    setting = UnitCaseSettings.objects.filter(unit_id=case.unit_id).first()
    return True if setting is None else setting.answers_need_approval


def approval_kinds(case: Case) -> list[str]:
    """The kinds of answer that go to the head on `case` (needs_approval of each, with
    one look at the unit's setting)."""
    unit_rule = needs_approval(case, AnswerKind.MERITS)
    return [kind for kind in AnswerKind.values if kind == AnswerKind.REFUSAL or unit_rule]


def notice_required(ground: str) -> bool:
    """59-FZ art. 11: no notice when there is no name or address to send it to; a
    notice in the other cases (obscene: a warning about abuse of right; unreadable:
    within 7 days; repeated: the decision to stop the correspondence)."""
    return bool(ground) and ground != NoAnswerGround.ANONYMOUS


def no_answer_notice_deadline(case: Case, ground: str, calendar=None) -> dt.date | None:
    """The last day of the notice on a 59-FZ art. 11 ground (deadlines.NOTICE_TERMS),
    None without registration or when the law gives no day count."""
    if not case.registered_at or not ground:
        return None
    return deadlines.no_answer_notice_due(timezone.localdate(case.registered_at), ground, calendar)


def link_deadline(case: Case, calendar=None) -> dt.date | None:
    if not case.registered_at:
        return None
    return deadlines.link_due(timezone.localdate(case.registered_at), case.regime, calendar)


def no_answer_dates(case: Case, calendar=None) -> list[tuple[str, dt.date]]:
    """(label, last day) of each art. 11 ground the law dates, for the case page (the
    calendar read once for all of them when not given)."""
    if not case.registered_at:
        return []
    calendar = calendar or get_calendar()
    dates = []
    for value, label in NoAnswerGround.choices:
        due = no_answer_notice_deadline(case, value, calendar)
        if due is not None:
            dates.append((label, due))
    return dates


def _url_path(url: str) -> str:
    """The path of `url` (absolute or a path) with its final slash, "" without one."""
    path = urlparse((url or "").strip()).path
    if not path.startswith("/"):
        return ""
    return path if path.endswith("/") else path + "/"


def _live_articles_at(path: str):
    """The live articles whose tree address is `path` under the root page of a Site:
    one query (the Sites are a subquery), with at most one row per Site. The path may
    come percent-encoded (copied from a browser): the tree stores the slugs as typed."""
    addresses = Site.objects.annotate(
        address=Concat("root_page__url_path", Value(unquote(path)[1:]), output_field=CharField())
    ).values("address")
    return ArticlePage.objects.live().filter(url_path__in=Subquery(addresses)).order_by("path")


def _at(articles, path: str):
    """The first of `articles` whose own address (Wagtail's `url`, from its site root
    paths, cached) is `path`: the one a reader opening `path` gets."""
    for article in articles:
        if article.url and urlparse(article.url).path == path:
            return article
    return None


def _public_condition() -> Q:
    """Open to anyone on the public site: audience "public" and no view restriction
    (login, password, groups) on the article or a page above it. Wagtail's
    PageQuerySet.public() reads every restriction in a query of its own first; here
    the restrictions are a subquery of the article's query."""
    restrictions = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    return Q(audience=ArticlePage.Audience.PUBLIC) & ~Exists(restrictions)


def _article_at(url: str):
    """The live KB article at `url` (absolute or a path), or None."""
    path = _url_path(url)
    return _at(_live_articles_at(path), path) if path else None


def is_on_public_site(article) -> bool:
    """59-FZ art. 11 p. 5.1: published on the body's official site, i.e. open to anyone:
    live, audience "public", no view restriction (login, password, groups)."""
    return (
        article is not None
        and ArticlePage.objects.live().filter(_public_condition(), pk=article.pk).exists()
    )


def published_article(url: str):
    """The article at `url` published on the public site (59-FZ art. 11 p. 5.1), or
    None: an internal or login-only article is not published for the client. One
    query: the address and the public site's rules are both conditions of it."""
    path = _url_path(url)
    if not path:
        return None
    return _at(_live_articles_at(path).filter(_public_condition()), path)


def validate_answer(case: Case, answer, *, today: dt.date | None = None) -> None:
    """The rules of each kind of answer (raises ValidationError with every problem)."""
    errors: dict[str, list] = {}
    text = plain_language.strip_legal_references(answer.body) if answer.body else ""
    if answer.kind == AnswerKind.MERITS and not text.strip():
        errors.setdefault("body", []).append(_("Write the answer."))
    unfilled = placeholders(answer.body or "")
    if unfilled:
        errors.setdefault("body", []).append(
            _("Fill in the placeholders left from the typical answer: %(names)s.")
            % {"names": ", ".join("{" + name + "}" for name in unfilled)}
        )
    if answer.kind == AnswerKind.REFUSAL:
        if not (answer.grounds or "").strip():
            errors.setdefault("grounds", []).append(
                _("A refusal cannot be registered without its grounds written for the client.")
            )
        elif problem := plain_language.grounds_error(answer.grounds):
            errors.setdefault("grounds", []).append(problem)
    if answer.kind == AnswerKind.LINK:
        article = _article_at(answer.link_url)
        if article is None:
            errors.setdefault("link_url", []).append(
                _("Give the address of a published knowledge base article.")
            )
        elif not is_on_public_site(article):
            errors.setdefault("link_url", []).append(
                _(
                    "The article «%(title)s» is not open on the public site (it is for staff "
                    "or needs a login): a link answers only with an article anyone can read. "
                    "Publish it for the public or write an answer on the merits."
                )
                % {"title": article.title}
            )
        if case.registered_at:
            in_answer_term = deadlines.rules_for(case.regime).link is None
            due = deadlines.link_due(
                timezone.localdate(case.registered_at), case.regime,
                current_due=case.statutory_deadline,
                received=timezone.localdate(case.received_at) if case.received_at else None,
            )  # fmt: skip
            if (today or timezone.localdate()) > due:
                if in_answer_term:
                    message = _(
                        "A reference to information published on the official site is an "
                        "answer only within the answer term (by %(date)s). Write an answer "
                        "on the merits."
                    )
                else:
                    message = _(
                        "A link to a published answer must be sent within 7 days of "
                        "registration (by %(date)s). Write an answer on the merits."
                    )
                errors.setdefault("link_url", []).append(message % {"date": _fmt(due)})
    if answer.kind == AnswerKind.NO_ANSWER and not answer.no_answer_ground:
        errors.setdefault("no_answer_ground", []).append(
            _("Choose the lawful ground for leaving the message without an answer.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_answer(
    case: Case, by, *, kind: str, body: str = "", grounds: str = "", link_url: str = "",
    no_answer_ground: str = "", uploads: Iterable = (), at=None, version: str | None = None,
):  # fmt: skip
    """Draft (or redraft) the answer. The rich text is sanitised; attachments are
    checked by their content (intranet.uploads). With `version` (what the editor's form
    was opened at), a save over someone else's newer save is refused with EditConflict
    instead of silently overwriting it; the row is locked for the check."""
    case = _check_work(case, by)
    if kind not in AnswerKind.values:
        raise ValidationError({"kind": _("Choose the kind of answer.")})
    stored = Answer.objects.select_for_update().filter(case=case).first()
    if version is not None and version != answer_version(stored):
        drafts = case.events.filter(kind=EventKind.DRAFTED).select_related("actor")
        last = drafts.order_by("-at", "-pk").first()
        editor = last.actor if last and last.actor else (stored.author if stored else by)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "While you were editing, %(name)s saved this answer (%(time)s). Your text is "
                "still in the form: compare it with the saved answer and save again."
            ) % {
                "name": editor.get_full_name() or editor.get_username(),
                "time": formats.date_format(timezone.localtime(stored.updated_at), "H:i")
                if stored
                else "",
            }
        raise EditConflict(message, answer_version(stored))
    answer = stored or Answer(case=case, author=by)
    if answer.status == AnswerStatus.REGISTERED:
        raise CaseStateError(_("The answer is registered and can no longer be changed."))
    answer.kind = kind
    answer.body = sanitize_html(body)
    answer.grounds = plain_text(grounds)
    answer.link_url = (link_url or "").strip()[:500]
    answer.no_answer_ground = no_answer_ground or ""
    if answer.status == AnswerStatus.APPROVED:
        answer.approved_by, answer.approved_at = None, None
    answer.status = AnswerStatus.DRAFT
    answer.save()
    for upload in uploads:
        info = validate_upload(upload)
        name = safe_filename(upload.name)
        item = AnswerAttachment(answer=answer, original_name=name, content_type=info.content_type,
                                size=info.size)  # fmt: skip
        item.file.save(name, upload, save=False)
        item.save()
    previous = case.status
    if case.status in {Status.ASSIGNED, Status.APPROVAL}:
        case.status = Status.DRAFTED
        case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Answer drafted: %(kind)s.") % {"kind": answer.get_kind_display()}
    _record(case, EventKind.DRAFTED, by, message, from_status=previous, at=at,
            data={"answer": answer.pk, "kind": kind})  # fmt: skip
    return answer


@transaction.atomic
def submit_answer(case: Case, by, at=None):
    """Send the draft to the head when the unit (or a refusal) needs approval; otherwise
    it is ready to register."""
    case = _check_work(case, by)
    answer = _answer_of(case)
    if answer.status not in {AnswerStatus.DRAFT, AnswerStatus.RETURNED}:
        raise CaseStateError(_("This answer is not a draft."))
    validate_answer(case, answer)
    revision = _store_revision(answer, by, at)
    previous = case.status
    if needs_approval(case, answer.kind):
        answer.status = AnswerStatus.APPROVAL
        case.status = Status.APPROVAL
        message = _("Answer sent to the head for approval.")
        kind = EventKind.SUBMITTED
    else:
        answer.status = AnswerStatus.APPROVED
        message = _("Answer ready to register (the unit does not require approval).")
        kind = EventKind.SUBMITTED
    answer.save()
    case.save()
    _record(case, kind, by, message, from_status=previous, at=at,
            data={"answer": answer.pk, "version": revision.number})  # fmt: skip
    return answer


def _store_revision(answer: Answer, by, at=None) -> AnswerRevision:
    """The answer as it is sent on: its next numbered version, which the head's page
    compares with the one before (cases.views.answer_changes)."""
    last = answer.revisions.order_by("-number").values_list("number", flat=True).first()
    return AnswerRevision.objects.create(
        answer=answer,
        number=(last or 0) + 1,
        kind=answer.kind,
        body=answer.body,
        grounds=answer.grounds,
        link_url=answer.link_url,
        no_answer_ground=answer.no_answer_ground,
        submitted_by=by,
        submitted_at=at or timezone.now(),
    )


def _answer_of(case: Case):
    answer = Answer.objects.filter(case=case).first()
    if answer is None:
        raise CaseStateError(_("There is no answer draft yet."))
    return answer


def _check_approver(case: Case, by) -> Case:
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_approve(by, case):
        raise PermissionDenied(_("Only the head of the unit approves answers."))
    return case


@transaction.atomic
def approve_answer(case: Case, by, *, comment: str = "", at=None):
    case = _check_approver(case, by)
    answer = _answer_of(case)
    if answer.status != AnswerStatus.APPROVAL:
        raise CaseStateError(_("The answer is not awaiting approval."))
    validate_answer(case, answer)
    at = at or timezone.now()
    answer.status = AnswerStatus.APPROVED
    answer.approved_by, answer.approved_at = by, at
    answer.review_comment = (comment or "").strip()
    answer.save()
    previous = case.status
    case.status = Status.DRAFTED
    case.save()
    _record(case, EventKind.APPROVED, by, _("Answer approved."), reason=answer.review_comment,
            from_status=previous, at=at)  # fmt: skip
    return answer


@transaction.atomic
def return_answer(case: Case, by, *, comment: str, at=None):
    case = _check_approver(case, by)
    answer = _answer_of(case)
    if answer.status not in {AnswerStatus.APPROVAL, AnswerStatus.APPROVED}:
        raise CaseStateError(_("The answer is not awaiting approval."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what to rework.")})
    answer.status = AnswerStatus.RETURNED
    answer.review_comment = comment
    answer.approved_by = answer.approved_at = None
    answer.save()
    previous = case.status
    case.status = Status.DRAFTED
    case.save()
    _record(case, EventKind.RETURNED, by, _("Answer returned for rework."), reason=comment,
            from_status=previous, at=at)  # fmt: skip
    return answer


def no_answer_explanation(ground: str) -> str:
    """What the notice on a 59-FZ art. 11 ground tells the client beyond the ground
    (the letter's own words: cases.letters)."""
    return letters.no_answer_explanation(ground)


def _letter_kind(answer) -> str:
    return LetterKind.NO_ANSWER if answer.kind == AnswerKind.NO_ANSWER else LetterKind.ANSWER


def _signatory(answer):
    """Who signs the answer: the head who approved it; an answer the unit lets go
    without approval, its author (docs/letters.md)."""
    return answer.approved_by or answer.author


def render_answer_letter(case: Case, answer) -> letters.Letter:
    """The official answer letter as it stands (its templates:
    cases/templates/cases/letters/answer_<kind>.*): the HTML its PDF is made of, the
    plain text of the e-mail, the subject."""
    return letters.render(_letter_kind(answer), case, number=answer.outgoing_number or "",
                          date=answer.outgoing_date, signatory=_signatory(answer),
                          answer=answer)  # fmt: skip


@transaction.atomic
def register_answer(case: Case, by, *, at: dt.datetime | None = None):
    """Give the answer its outgoing number and date and store it; in the same
    transaction the deliveries are queued (cases.delivery), to start once it commits.
    A refusal needs grounds for the client; an answer the unit (or its kind) makes
    subject to approval needs it."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_register_answer(by, case):
        raise PermissionDenied
    answer = _answer_of(case)
    if answer.status == AnswerStatus.REGISTERED:
        raise CaseStateError(_("The answer is already registered."))
    validate_answer(case, answer)
    if needs_approval(case, answer.kind) and answer.status != AnswerStatus.APPROVED:
        raise CaseStateError(_("The head of the unit must approve this answer first."))
    at = at or timezone.now()
    answer.outgoing_date = timezone.localdate(at)
    answer.outgoing_number = next_outgoing_number(answer.outgoing_date.year)
    answer.registered_at = at
    answer.registered_by = by
    answer.status = AnswerStatus.REGISTERED
    answer.save()
    previous = case.status
    no_answer = answer.kind == AnswerKind.NO_ANSWER
    case.status = Status.NO_ANSWER if no_answer else Status.ANSWERED
    if no_answer:
        case.closed_at = at
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Answer registered: outgoing no. %(number)s of %(date)s (%(kind)s).") % {
            "number": answer.outgoing_number, "date": _fmt(answer.outgoing_date),
            "kind": answer.get_kind_display(),
        }  # fmt: skip
        reason = answer.get_no_answer_ground_display() if no_answer else ""
        _record(case, EventKind.ANSWER_REGISTERED, by, message, reason=reason, visible=True,
                from_status=previous, at=at,
                data={"answer": answer.pk, "number": answer.outgoing_number})  # fmt: skip
        if not no_answer or notice_required(answer.no_answer_ground):
            letter = _issue_letter(_letter_kind(answer), case, by=by, at=at,
                                   number=answer.outgoing_number, signatory=_signatory(answer),
                                   answer=answer)  # fmt: skip
            purpose = DeliveryPurpose.NO_ANSWER if no_answer else DeliveryPurpose.ANSWER
            _send_letter(case, letter, purpose=purpose, answer=answer)
    return answer


@transaction.atomic
def mark_answer_read(case: Case, client, at=None):
    """The client opened the answer in the portal (recorded once)."""
    answer = Answer.objects.select_for_update().filter(case=case).first()
    if answer is None or not answer.is_registered or case.client_id != client.pk:
        return None
    if answer.read_at is None:
        answer.read_at = at or timezone.now()
        answer.save(update_fields=["read_at", "updated_at"])
        _record(case, EventKind.READ, client, _("The client read the answer."), visible=True,
                from_status=case.status, at=answer.read_at)  # fmt: skip
    return answer


@transaction.atomic
def rate_answer(case: Case, client, *, score: int, comment: str = "", at=None):
    """The client rates the answer 1–5 with a comment; kept for the unit's reports
    (one rating per case; rating again replaces it)."""
    case = _lock(case)
    if case.client_id != getattr(client, "pk", None):
        raise Case.DoesNotExist
    if not permissions.can_rate(client, case):
        raise CaseStateError(_("There is no answer to rate yet."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Rate from 1 to 5.")})
    at = at or timezone.now()
    rating, _created = Rating.objects.update_or_create(
        case=case,
        defaults={
            "score": score,
            "comment": client_text(comment, 2000),
            "rated_at": at,
            "unit_id": case.unit_id,
            "executor_id": case.executor_id,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Rated %(score)d of 5.") % {"score": score}
    _record(case, EventKind.RATED, client, message, reason=rating.comment, visible=True,
            from_status=case.status, at=at)  # fmt: skip
    return rating


def typical_answer_values(case: Case) -> dict:
    """Values for the placeholders of typical answers (kb.typical_answers)."""
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    today = timezone.localdate()
    return {
        "client_name": case.client_name,
        "registration_number": case.registration_number or "",
        "number": case.registration_number or "",
        "registration_date": _fmt(registered) if registered else "",
        "received_date": _fmt(timezone.localdate(case.received_at)),
        "date": _fmt(today),
        "today": _fmt(today),
        "due_date": _fmt(case.due_date) if case.due_date else "",
        "subject": case.subject,
        "executor_name": case.executor.get_full_name() if case.executor_id else "",
        "unit": case.unit.name if case.unit_id else "",
        "reporting_year": str(today.year - 1),
    }


def fill_typical_answer(case: Case, user, code: str):
    """The typical answer `code` with its placeholders filled from the case; None if
    there is no such live answer the user may read."""
    article = (
        ArticlePage.objects.visible_to(user)
        .filter(answer_code=code, kind=ArticlePage.Kind.TYPICAL_ANSWER)
        .first()
    )
    if article is None:
        return None
    rendered = article.render_answer(typical_answer_values(case))
    # A typical answer greets «Уважаемый(ая) {имя_заявителя}!»: filled, that reads
    # «Уважаемый(ая) Иванов Иван Иванович!». The executor gets the greeting of the
    # official letter instead: first name and patronymic, by gender (intranet.names).
    if case.client_name:
        greeting = names.greeting(names.split(case.client_name))
        text = rendered.text.replace(f"Уважаемый(ая) {case.client_name}!", greeting)
        rendered = dataclasses.replace(rendered, text=text)
    return article, rendered


def rating_report(since: dt.date | None = None) -> list[dict]:
    """Clients' ratings per unit for the unit reports: count, average, and how many
    were low (1–2), since `since` if given."""
    ratings = Rating.objects.all()
    if since is not None:
        ratings = ratings.filter(rated_at__date__gte=since)
    rows = (
        ratings.values("unit_id", "unit__short_name")
        .annotate(count=Count("pk"), average=Avg("score"), low=Count("pk", filter=Q(score__lte=2)))
        .order_by("unit__short_name")
    )
    return [
        {
            "unit": row["unit__short_name"],
            "unit_id": row["unit_id"],
            "count": row["count"],
            "average": round(float(row["average"]), 2),
            "low": row["low"],
        }
        for row in rows
    ]
