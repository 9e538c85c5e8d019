"""The client portal (ask, my questions, withdraw) and the staff workspace (queues,
case page, registration, urgency, routing). Thin: visibility comes from
``Case.objects.visible_to``, rights from ``cases.permissions``, changes from
``cases.services``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import (
    deadlines,
    letters,
    limits,
    permissions,
    plain_language,
    richtext,
    services,
    suggestions,
)
from cases.choices import DeadlineState, Status, Urgency
from cases.client_search import find_clients
from cases.filters import (
    CLOSED_COUNT_CAP,
    DEFAULT_SORT,
    PAGE_SIZES,
    QUEUE_KEYS,
    QUEUES,
    SORT_KEYS,
    SORTS,
    CaseFilter,
    apply_queue,
    apply_sort,
    closed_count_capped,
    default_queue,
    filter_controls,
    filter_queue,
    number_search,
    page_size,
    queue_counts,
)
from cases.forms import (
    AnswerForm,
    AssignForm,
    BodyRequestForm,
    BulkAssignForm,
    ClarificationForm,
    CommentForm,
    DecisionForm,
    DeclineExtensionForm,
    ExtendForm,
    ExtensionRequestForm,
    ForwardForm,
    ForwardRequestForm,
    LinkForm,
    NoteForm,
    QuestionForm,
    RatingForm,
    RegisterForm,
    ReplyForm,
    SavedFilterForm,
    SupplementForm,
    UrgencyForm,
    new_submission_token,
)
from cases.models import (
    Answer,
    AnswerAttachment,
    AnswerStatus,
    Attachment,
    Case,
    CaseEvent,
    EventKind,
    OutgoingLetter,
    Rating,
    SavedFilter,
)
from cases.templatetags.cases_tags import STATE_CLASSES
from intranet import exports
from intranet.formatting import number as format_number
from intranet.security import client_text
from intranet.uploads import content_disposition
from intranet.workdays import get_calendar
from search import services as search

logger = logging.getLogger(__name__)

# The client's list of their own questions.
PAGE_SIZE = 50


def _annotate_states(cases, calendar=None):
    calendar = calendar or get_calendar()
    today = timezone.localdate()
    soon_until = deadlines.due_soon_until(today, calendar)
    for case in cases:
        case.state = case.deadline_state(today, calendar, soon_until=soon_until)
    return cases


def _queue_rows(cases) -> list[dict]:
    """What each row of a queue shows, worked out once in Python so that the template
    only prints it: the choices' labels translated once per page, dates formatted, the
    deadline's state (set by _annotate_states) with its class and words, as
    cases/includes/deadline.html shows them on the case page."""
    labels = {
        name: {value: str(label) for value, label in Case._meta.get_field(name).flatchoices}
        for name in ("status", "regime", "channel")
    }
    state_words = {
        DeadlineState.OVERDUE: " · " + _("overdue"),
        DeadlineState.DUE_SOON: " · " + _("due soon"),
        DeadlineState.ON_TRACK: " · " + _("on track"),
    }
    rows = []
    for case in cases:
        received = case.received_at and timezone.localtime(case.received_at)
        due = case.due_date
        rows.append(
            {
                "pk": case.pk,
                "url": case.get_absolute_url(),
                "number": case.registration_number or "—",
                "received": received.strftime("%d.%m.%Y") if received else "",
                "subject": case.subject,
                "urgent": case.is_urgent,
                "confidential": case.is_confidential,
                "client": case.client_name,
                "regime": labels["regime"].get(case.regime, case.regime),
                "channel": labels["channel"].get(case.channel, case.channel),
                "status": labels["status"].get(case.status, case.status),
                "urgency_undecided": case.status == Status.REGISTERED and not case.urgency_decided,
                "unit": case.unit.short_name if case.unit_id and case.unit.short_name else "—",
                "executor": case.executor.get_short_name() if case.executor_id else "",
                "due": due.strftime("%d.%m.%Y") if due else "",
                "due_iso": due.isoformat() if due else "",
                "state": str(case.state),
                "state_class": STATE_CLASSES.get(case.state, ""),
                "state_words": state_words.get(case.state, ""),
            }
        )
    return rows


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- the client portal ---------------------------------------------------------------


def new_question(request):
    """Ask a question. On a validation error everything typed stays in the form, and the
    files that passed the checks are kept on the server and listed for the next try."""
    if not permissions.can_submit(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = QuestionForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, created = services.submit_once(
                    request.user,
                    submission_key=data["submission_token"],
                    subject=data["subject"],
                    text=data["text"],
                    topic=data["topic"],
                    client_comments=data["client_comments"],
                    reply_channel=data["reply_channel"],
                    reply_contact=data["reply_contact"],
                    extra_reply_channel=data["extra_reply_channel"],
                    extra_reply_contact=data["extra_reply_contact"],
                    is_confidential=data["is_confidential"],
                    uploads=data["attachments"],
                    kept=form.kept,
                )
            except services.SubmissionKeyReused as exc:
                # This form was sent before and its text changed since: keep what is
                # typed, with a new token, so that sending again makes a new question.
                form.data = form.data.copy()
                form.data["submission_token"] = new_submission_token()
                form.add_error(
                    None,
                    _(
                        "This form was already sent: question %(number)s. If this is "
                        "another question, check it and send it again."
                    )
                    % {"number": exc.case.registration_number or "—"},
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                if created:
                    message = _("Your question is registered under number %(number)s.")
                else:
                    message = _(
                        "This question was already sent and is registered under number "
                        "%(number)s: it is not sent again."
                    )
                messages.success(request, message % {"number": case.registration_number or "—"})
                return redirect(case.get_client_url())
        form.keep_uploads()
        if request.FILES:
            messages.warning(
                request,
                _(
                    "The form has errors. Files that passed the checks are kept and listed "
                    "below; files rejected with an error must be attached again."
                ),
            )
    else:
        initial = {"reply_contact": request.user.email} if request.user.email else {}
        form = QuestionForm(user=request.user, initial=initial)
    return render(request, "cases/question_form.html", {"form": form})


@never_cache
@require_GET
def question_suggestions(request):
    """GET ?subject=&text=&token= → up to five knowledge-base articles the client may
    open, for the question form as it is typed (cases/static/cases/question_form.js).
    The staff search finds them, articles only, with its visibility rules; each link
    goes through `suggestion_open` with the draft's token (cases.suggestions)."""
    if not permissions.can_submit(request.user):
        raise PermissionDenied
    query = suggestions.draft_query(request.GET.get("subject", ""), request.GET.get("text", ""))
    token = request.GET.get("token", "")
    items = []
    hits = []
    try:
        if query:
            hits = search.search(
                request.user,
                query,
                kind=search.ARTICLE,
                per_page=suggestions.SUGGESTIONS,
                request=request,
            ).hits
    except (DatabaseError, *search.engine_errors()):
        # The suggestions are an aid: the form works on without them.
        logger.exception("Knowledge-base suggestions could not be searched")
    for hit in hits[: suggestions.SUGGESTIONS]:
        url = reverse("cases:suggestion_open", args=[hit.pk])
        if suggestions.valid_token(token):
            url += "?" + urlencode({"token": token})
        items.append({"id": hit.pk, "title": hit.title, "url": url})
    return JsonResponse({"results": items}, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def suggestion_open(request, pk: int):
    """A suggested article opened from the question form: the opening is recorded with
    the draft's token (cases.suggestions), and the client goes on to the article, its
    own address computed here. An article the client may not open is not found."""
    if not permissions.can_submit(request.user):
        raise PermissionDenied
    hit = search.hit_for(request.user, search.ARTICLE, pk, request=request)
    if hit is None or not hit.url:
        raise Http404
    if not url_has_allowed_host_and_scheme(
        hit.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        raise Http404
    suggestions.record_opening(request.user, request.GET.get("token", ""), hit.pk, hit.unit_id)
    return redirect(hit.url)


def my_questions(request):
    cases = Case.objects.filter(client=request.user).select_related("unit").order_by("-received_at")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    _annotate_states(page.object_list)
    return render(request, "cases/my_questions.html", {"page": page})


def client_detail(request, pk: int):
    case = get_object_or_404(
        Case.objects.select_related("unit", "executor").prefetch_related("attachments"),
        pk=pk,
        client=request.user,
    )
    _audit_read(request, case)
    return _render_client(request, case)


def _render_client(
    request,
    case,
    reply_form=None,
    rating_form=None,
    status=200,
    withdraw=None,
    supplement_form=None,
):

    events = case.events.filter(visible_to_client=True).order_by("at", "pk")
    _annotate_states([case])
    answer = (
        Answer.objects.filter(case=case, status="registered")
        .prefetch_related("attachments")
        .first()
    )
    if answer is not None:
        services.mark_answer_read(case, request.user)
    rating = Rating.objects.filter(case=case).first()
    can_rate = permissions.can_rate(request.user, case)
    if can_rate and rating_form is None:
        initial = {"score": rating.score, "comment": rating.comment} if rating else {}
        rating_form = RatingForm(initial=initial)
    can_reply = permissions.can_reply(request.user, case)
    client_letters = list(
        case.letters.filter(kind__in=letters.CLIENT_KINDS).order_by("created_at", "pk")
    )
    answer_letter = next(
        (item for item in reversed(client_letters) if answer and item.answer_id == answer.pk),
        None,
    )
    return render(
        request,
        "cases/client_detail.html",
        {
            "case": case,
            "client_letters": client_letters,
            "answer_letter": answer_letter,
            "events": events,
            "answer": answer,
            "rating": rating,
            "rating_form": rating_form if can_rate else None,
            "reply_form": (reply_form or ReplyForm()) if can_reply else None,
            "question": case.clarifications.filter(replied_at__isnull=True).last()
            if can_reply
            else None,
            "can_withdraw": permissions.can_withdraw(request.user, case),
            "withdraw": withdraw or {},
            "supplement_form": (supplement_form or SupplementForm())
            if permissions.can_supplement(request.user, case)
            else None,
            "can_handle": permissions.can_handle(request.user, case),
        },
        status=status,
    )


@require_POST
def withdraw(request, pk: int):
    case = get_object_or_404(Case, pk=pk, client=request.user)
    reason = request.POST.get("reason", "")
    try:
        limits.comment(client_text(reason))
    except ValidationError as exc:
        # Too long: the page again, the reason as typed and why it was refused.
        return _render_client(request, case, status=400,
                              withdraw={"reason": reason, "errors": exc.messages})  # fmt: skip
    try:
        services.withdraw(case, request.user, reason=reason)
    except PermissionDenied:
        messages.error(request, _("This question can no longer be withdrawn."))
    else:
        messages.success(request, _("Your question is withdrawn."))
    return redirect(case.get_client_url())


def attachment_download(request, pk: int):
    """A file of a case, for whoever may see the case (or the uploader, before the case
    exists)."""
    attachment = get_object_or_404(Attachment.objects.select_related("case"), pk=pk)
    if attachment.case_id is None:
        if attachment.uploaded_by_id != request.user.pk:
            raise Http404
    elif not permissions.can_view(request.user, attachment.case):
        raise Http404
    from intranet.uploads import serve_attachment

    if attachment.case_id is not None:
        _audit_read(request, attachment.case)
    try:
        return serve_attachment(request, attachment.file, attachment.original_name)
    except FileNotFoundError as exc:
        raise Http404 from exc


# --- the staff workspace ---------------------------------------------------------------


# The columns of the queue's table: (label, sort field or "" when not sortable).
QUEUE_COLUMNS = [
    (_lazy("Number"), "registration_number"),
    (_lazy("Subject"), "subject"),
    (_lazy("Client"), ""),
    (_lazy("Regime / channel"), ""),
    (_lazy("Status"), "status"),
    (_lazy("Unit / executor"), ""),
    (_lazy("Deadline"), "due_date"),
]


def _query(params, *leave_out) -> str:
    """`params` (a QueryDict) as a query string without the keys `leave_out`."""
    params = params.copy()
    for key in leave_out:
        params.pop(key, None)
    return params.urlencode()


def _sort_headers(params, sort: str) -> list[dict]:
    """The table's headers: the sortable ones link to the same queue sorted by them (a
    second click reverses the order) and the current one carries aria-sort."""
    rest = _query(params, "sort", "page")
    current = sort.lstrip("-")
    headers = []
    for label, field in QUEUE_COLUMNS:
        header = {"label": label, "field": field, "aria_sort": "", "url": ""}
        if field:
            descending = sort.startswith("-")
            if field == current:
                header["aria_sort"] = "descending" if descending else "ascending"
                target = field if descending else f"-{field}"
            else:
                target = field
            header["url"] = "?" + (f"{rest}&" if rest else "") + f"sort={target}"
        headers.append(header)
    return headers


def _queue_tabs(params, queue: str, counts: dict, searching: bool) -> list[dict]:
    """The queue tabs with their counts; a tab keeps the filters in use (but a number
    searched for, which spans every queue: clicking a tab leaves the search)."""
    rest = _query(params, "queue", "page", "number")
    return [
        {
            "key": key,
            "label": label,
            "count": min(counts.get(key, 0), CLOSED_COUNT_CAP)
            if key == "closed"
            else counts.get(key, 0),
            "more": key == "closed" and closed_count_capped(counts.get(key, 0)),
            "url": f"?queue={key}" + (f"&{rest}" if rest else ""),
            "current": key == queue and not searching,
        }
        for key, label in QUEUES
    ]


def _queue_cases(request):
    """What the queue page and its export list: (context, ordered queryset). The same
    visibility, queue, filters and sort for both."""
    user = request.user
    params = request.GET
    queue = params.get("queue") or default_queue(user)
    if queue not in QUEUE_KEYS:
        queue = "all"
    calendar = get_calendar()
    base = Case.objects.visible_to(user)
    filterset, filtered = filter_queue(params, base)
    searching = number_search(filterset)
    # A number searched for is looked for in every case the user sees, whatever the tab.
    cases = filtered if searching else apply_queue(filtered, queue, user, calendar=calendar)
    sort = params.get("sort", DEFAULT_SORT)
    if sort not in SORT_KEYS:
        sort = DEFAULT_SORT
    context = {
        "filterset": filterset,
        "queue": queue,
        "searching": searching,
        "sort": sort,
        "calendar": calendar,
        "base": base,
        "filtered": filtered,
    }
    return context, apply_sort(cases.for_queue(), sort)


def workspace(request):
    user = request.user
    if not permissions.can_use_workspace(user):
        return redirect("cases:mine")
    found, cases = _queue_cases(request)
    params = request.GET
    per_page = page_size(params.get("per_page"))
    page = Paginator(cases, per_page).get_page(params.get("page"))
    _annotate_states(page.object_list, found["calendar"])
    # The tabs count the cases with the filters in use, the number searched for aside.
    if found["searching"]:
        _filterset, for_counts = filter_queue(params, found["base"], leave_out=("number",))
    else:
        for_counts = found["filtered"]
    counts = queue_counts(for_counts, user, calendar=found["calendar"])
    filterset = found["filterset"]
    can_bulk = permissions.can_assign_some(user)
    return render(
        request,
        "cases/workspace.html",
        {
            "page": page,
            "rows": _queue_rows(page.object_list),
            "filter_controls": filter_controls(filterset, user),
            "filter_errors": bool(filterset.is_bound and filterset.errors),
            "queue": found["queue"],
            "searching": found["searching"],
            "tabs": _queue_tabs(params, found["queue"], counts, bool(found["searching"])),
            "headers": _sort_headers(params, found["sort"]),
            "sort": found["sort"],
            # A column's order chosen by its header stays chosen in the filters' select.
            "sorts": SORTS
            if found["sort"] in dict(SORTS)
            else [(found["sort"], _("As sorted by the column header")), *SORTS],
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "querystring": _query(params, "page"),
            # The hidden fields of the page-size and jump-to-page form: the rest of the query.
            "kept_params": [
                (key, value)
                for key, values in params.lists()
                if key not in ("page", "per_page")
                for value in values
            ],
            "export_query": _query(params, "page", "per_page"),
            "saved_filters": SavedFilter.objects.filter(user=user).order_by("name"),
            "current_filter": _query(params, "page"),
            "bulk": bulk_context(user) if can_bulk else None,
            "can_register": permissions.can_register(user),
            # The filters' box is open when a filter or sort is in use (and on wide screens).
            "filters_active": any(key not in ("queue", "page", "per_page") for key in params),
        },
    )


# The action bar's fields are named bulk-… (their ids id_bulk-…): the filter form above
# it has its own unit and executor.
BULK_PREFIX = "bulk"


def bulk_context(user) -> dict:
    """The action bar's form, its two lists of people read in one query."""
    form = BulkAssignForm(user=user, prefix=BULK_PREFIX)
    executor = form.fields["executor"]
    people = [(person.pk, executor.label_from_instance(person)) for person in executor.queryset]
    executor.widget.choices = [("", executor.empty_label), *people]
    form.fields["co_executors"].widget.choices = people
    return {"form": form}


def _back_to_queue(request):
    """To the queue the form was sent from: its query string (sent as `next`), parsed
    and written again, so that only a query of the workspace is followed."""
    query = QueryDict(request.POST.get("next", "")).copy()
    url = reverse("cases:workspace")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@require_POST
def bulk_assign(request):
    user = request.user
    if not permissions.can_assign_some(user):
        raise PermissionDenied
    form = BulkAssignForm(request.POST, user=user, prefix=BULK_PREFIX)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back_to_queue(request)
    data = form.cleaned_data
    outcome = services.route_many(
        data["case"],
        user,
        unit=data["unit"],
        executor=data["executor"],
        co_executors=data["co_executors"],
        reason=data["reason"],
        add_co_executors=data["action"] == BulkAssignForm.CO_ASSIGN,
    )
    if outcome.done:
        messages.success(
            request,
            ngettext(
                "%(count)s case changed: %(numbers)s.",
                "%(count)s cases changed: %(numbers)s.",
                len(outcome.done),
            )
            % {"count": format_number(len(outcome.done)), "numbers": ", ".join(outcome.done)},
        )
    for label, why in outcome.refused:
        messages.error(
            request, _("%(number)s is not changed: %(why)s") % {"number": label, "why": why}
        )
    return _back_to_queue(request)


# The queue's export: at most this many rows (a larger queue is narrowed by filters).
EXPORT_LIMIT = 10_000


def _export_rows(cases, calendar) -> tuple[list[str], list[list]]:
    """The header and the rows of the export: the queue's columns and nothing more (no
    text of the message, no contacts), as the user sees them on the page."""
    header = [
        _("Number"),
        _("Received"),
        _("Subject"),
        _("Client"),
        _("Regime"),
        _("Channel"),
        _("Status"),
        _("Unit"),
        _("Executor"),
        _("Deadline"),
        _("Deadline state"),
        _("Urgent"),
        _("Confidential"),
    ]
    cases = list(cases[:EXPORT_LIMIT])
    _annotate_states(cases, calendar)
    rows = []
    for row, case in zip(_queue_rows(cases), cases, strict=True):
        received = case.received_at and timezone.localtime(case.received_at).date()
        rows.append(
            [
                row["number"],
                received or None,
                row["subject"],
                row["client"],
                row["regime"],
                row["channel"],
                row["status"],
                row["unit"],
                row["executor"],
                case.due_date,
                row["state_words"].removeprefix(" · "),
                _("yes") if row["urgent"] else _("no"),
                _("yes") if row["confidential"] else _("no"),
            ]
        )
    return [str(h) for h in header], rows


def export_queue(request, kind: str):
    """The current queue (the same visibility, queue, filters and sort as the page) as a
    CSV or XLSX file; every cell passes intranet.exports."""
    user = request.user
    if not permissions.can_use_workspace(user):
        raise PermissionDenied
    if kind not in ("csv", "xlsx"):
        raise Http404
    found, cases = _queue_cases(request)
    header, rows = _export_rows(cases, found["calendar"])
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(exports.csv_row(header))
        for row in rows:
            cells = [
                value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else (value or "")
                for value in row
            ]
            writer.writerow(exports.csv_row(cells))
        content = "\ufeff" + buffer.getvalue()
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="queue-{stamp}.csv"'
        return response
    from openpyxl import Workbook  # only the export needs it: kept out of every page's import

    book = Workbook()
    sheet = book.active
    sheet.title = _("Queue")[:31]
    sheet.append([exports.xlsx_value(v) for v in header])
    for row in rows:
        sheet.append([exports.xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            exports.force_text_cell(cell)
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for letter, width in (("A", 18), ("C", 50), ("D", 30)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="queue-{stamp}.xlsx"'
    return response


# What a saved filter keeps of the queue's query string.
SAVED_KEYS = frozenset({"queue", "sort", "per_page"} | set(CaseFilter.base_filters))


@require_POST
def save_filter(request):
    user = request.user
    if not permissions.can_use_workspace(user):
        raise PermissionDenied
    query = QueryDict(request.POST.get("next", "")).copy()
    for key in list(query):
        if key not in SAVED_KEYS:
            query.pop(key)
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("name", []):
            messages.error(request, _("Name of the filter: %(error)s") % {"error": error})
        return _back_to_queue(request)
    name = form.cleaned_data["name"]
    SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": query.urlencode()[:2000]}
    )
    messages.success(request, _("The filter «%(name)s» is saved.") % {"name": name})
    return _back_to_queue(request)


@require_POST
def delete_filter(request, pk: int):
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("The filter «%(name)s» is deleted.") % {"name": saved.name})
    return _back_to_queue(request)


def _staff_case(request, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "client", "external_client", "unit", "executor", "registered_by", "urgency_decided_by"
        ),
        pk=pk,
    )


def _audit_read(request, case) -> None:
    if case.is_confidential:
        from intranet import audit

        audit.record_confidential_read(request, case)


def case_detail(request, pk: int):
    case = _staff_case(request, pk)
    if not permissions.can_handle(request.user, case):
        return redirect(case.get_client_url())
    _audit_read(request, case)
    return _render_case(request, case)


def _render_case(
    request, case, urgency_form=None, assign_form=None, status=200, forms=None, extra=None
):
    user = request.user
    case = (
        Case.objects.select_related(
            "client__profile", "external_client", "unit", "executor", "registered_by"
        )
        .prefetch_related(
            "co_executors",
            "attachments",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .get(pk=case.pk)
    )
    calendar = get_calendar()
    _annotate_states([case], calendar)
    can_urgency = permissions.can_decide_urgency(user, case)
    can_assign = permissions.can_assign(user, case)
    if can_urgency and urgency_form is None:
        initial_urgent = (
            case.is_urgent if case.urgency != Urgency.UNDECIDED else case.urgency_suggested
        )
        urgency_form = UrgencyForm(initial={"urgent": "1" if initial_urgent else "0"})
    if can_assign and assign_form is None:
        suggested = case.unit or services.suggest_unit(case.topic)
        assign_form = AssignForm(
            user=user,
            case=case,
            initial={
                "unit": suggested,
                "executor": case.executor,
                "co_executors": list(case.co_executors.all()),
            },
        )
    registered_on = timezone.localdate(case.registered_at) if case.registered_at else None
    context = _answer_context(request, case, forms or {}, calendar)
    return render(
        request,
        "cases/case_detail.html",
        {
            **context,
            "case": case,
            "events": case.events.all(),
            "urgency_form": urgency_form if can_urgency else None,
            "assign_form": assign_form if can_assign else None,
            "suggested_unit": services.suggest_unit(case.topic),
            "urgent_target": deadlines.urgent_target(
                registered_on,
                case.regime,
                calendar,
                received=timezone.localdate(case.received_at),
            )
            if registered_on
            else None,
            **(extra or {}),
        },
        status=status,
    )


@require_POST
def decide_urgency(request, pk: int):
    case = _staff_case(request, pk)
    if not permissions.can_decide_urgency(request.user, case):
        raise PermissionDenied
    form = UrgencyForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, urgency_form=form, status=400)
    try:
        services.decide_urgency(
            case,
            request.user,
            urgent=form.cleaned_data["urgent"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        _errors(form, exc)
        return _render_case(request, case, urgency_form=form, status=400)
    messages.success(request, _("Urgency decision recorded."))
    return redirect(case.get_absolute_url())


@require_POST
def assign(request, pk: int):
    case = _staff_case(request, pk)
    if not permissions.can_assign(request.user, case):
        raise PermissionDenied
    form = AssignForm(request.POST, user=request.user, case=case)
    if not form.is_valid():
        return _render_case(request, case, assign_form=form, status=400)
    data = form.cleaned_data
    action = services.reassign if form.reassigning else services.assign
    try:
        action(
            case,
            request.user,
            unit=data["unit"],
            executor=data["executor"],
            co_executors=data["co_executors"],
            reason=data["reason"],
        )
    except ValidationError as exc:
        _errors(form, exc)
        return _render_case(request, case, assign_form=form, status=400)
    return _back_to_case(request, case, _("The case is assigned."))


def _back_to_case(request, case, success: str):
    """After a staff action: the message and back to the case, or, when the action took
    the case out of the user's own view (a registrar routing a confidential case), to
    the workspace with a message that says so: the case page would be a 404."""
    if not permissions.can_view(request.user, case):
        messages.success(request, permissions.left_view_message(case))
        return redirect("cases:workspace")
    messages.success(request, success)
    return redirect(case.get_absolute_url())


def register_message(request):
    if not permissions.can_register(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = services.register_message(request.user, **form.service_kwargs())
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Registered under number %(number)s.") % {"number": case.registration_number},
                )
                return redirect(case.get_absolute_url())
        if request.FILES:
            messages.warning(request, _("The form has errors: attach the files again."))
    else:
        form = RegisterForm()
    return render(request, "cases/register_form.html", {"form": form})


def client_lookup(request):
    """The registration form's client autocomplete: at most 20 active users whose
    surname, first name, login or e-mail begins with ?q=, in one query (as JSON). Only
    for those who register messages: the list names people with their addresses."""
    if not permissions.can_register(request.user):
        return JsonResponse({"error": _("Not allowed.")}, status=403)
    response = JsonResponse({"results": find_clients(request.GET.get("q", ""))})
    response["Cache-Control"] = "private, no-store"
    return response


# --- part 2: answers, clarifications, extensions, forwarding, deliveries, ratings ------


# The case page's actions, one at a time (?action=), in the order of the action bar;
# the key of each form in `_render_case(forms=...)` opens its action again after an error.
ACTIONS = ("answer", "clarify", "request", "forward", "extend", "note")
FORM_ACTIONS = {
    "note": "note",
    "forward_request": "forward",
    "answer": "answer",
    "review": "answer",
    "clarify": "clarify",
    "request": "request",
    "forward": "forward",
    "extend": "extend",
    "decline": "extend",
    "extension_request": "extend",
}


def letter_preview(case, answer) -> dict:
    """The letter `answer` makes, as the client will receive it: for the executor's
    preview of an unsaved text and for the head who approves. Its subject and its text
    (the e-mail's) with unfilled placeholders marked. The one place the page renders a
    letter: the official letter renderer replaces this function's body."""

    letter = Answer(
        case=case,
        kind=answer.kind,
        body=answer.body,
        grounds=answer.grounds,
        link_url=answer.link_url,
        no_answer_ground=answer.no_answer_ground,
        outgoing_number=answer.outgoing_number or _("(given at registration)"),
        outgoing_date=answer.outgoing_date or timezone.localdate(),
    )
    rendered = services.render_answer_letter(case, letter)
    # The official letter (letterhead, number, addressee, greeting, signature, executor):
    # the same HTML the PDF is made of and the portal shows.
    return {"subject": rendered.subject, "html": richtext.mark_placeholders(rendered.html)}


def answer_changes(answer) -> dict | None:
    """What changed in `answer` since the version sent before the last one: the head
    sees it when approving. None for a first version."""
    revisions = list(answer.revisions.select_related("submitted_by").order_by("-number")[:2])
    if len(revisions) < 2:
        return None
    new, old = revisions
    old_text, new_text = richtext.html_to_text(old.body), richtext.html_to_text(new.body)
    return {
        "old": old,
        "new": new,
        "kind_changed": old.kind != new.kind,
        "body": richtext.word_diff(old_text, new_text)
        if richtext.changed(old_text, new_text)
        else None,
        "grounds": richtext.word_diff(old.grounds, new.grounds)
        if richtext.changed(old.grounds, new.grounds)
        else None,
        "link_changed": old.link_url != new.link_url,
        "ground_changed": old.no_answer_ground != new.no_answer_ground,
    }


def _action_items(context: dict, can_work: bool) -> list[tuple[str, str]]:
    items = []
    if context["answer"] is not None or context.get("answer_form") is not None:
        items.append(("answer", _("Answer")))
    if can_work:
        items.append(("clarify", _("Ask the client")))
        items.append(("request", _("Request documents")))
    if context["can_forward"]:
        items.append(("forward", _("Forward")))
    if context["can_extend"]:
        items.append(("extend", _("Extend the deadline")))
    elif can_work:
        items.append(("extend", _("Ask for an extension")))
    # The case page is the staff's: everyone on it may write an internal note.
    items.append(("note", _("Internal note")))
    return items


def _requested_until(event) -> dt.date | None:
    """The deadline an executor's pending request for more time proposes (requests made
    before the date was asked for hold the days only)."""
    until = event.data.get("until") if event is not None else None
    return dt.date.fromisoformat(until) if until else None


def _answer_context(request, case, forms: dict, calendar=None) -> dict:
    """What the case page shows and offers for the answer stage: the actions the user
    may take in the case's state, one of them open (?action=, or the one whose form has
    errors), and the answer's editor, letter, changes and review."""

    user = request.user
    answer = Answer.objects.filter(case=case).prefetch_related("attachments").first()
    can_work = permissions.can_work_on(user, case)
    status = answer.status if answer is not None else None
    can_approve = status == AnswerStatus.APPROVAL and permissions.can_approve(user, case)
    extension_request = services.pending_extension_request(case)
    context = {
        "answer": answer,
        "can_work": can_work,
        "can_approve": can_approve,
        "can_extend": permissions.can_extend(user, case),
        # can_forward is can_work_on or a registrar's triage: not asked twice.
        "can_forward": can_work or permissions.can_forward(user, case),
        # Registering is offered once the answer is approved (or marked ready where the
        # unit needs no approval), never as a button that would fail.
        "can_register_answer": status == AnswerStatus.APPROVED
        and permissions.can_register_answer(user, case),
        "can_manage_delivery": permissions.can_manage_delivery(user, case),
        "deliveries": _deliveries(case, forms, permissions.can_manage_delivery(user, case)),
        "letters": case.letters.defer("text", "html").order_by("created_at", "pk"),
        "clarifications": case.clarifications.select_related("asked_by"),
        "body_requests": case.body_requests.all(),
        "forwarding": getattr(case, "forwarding", None),
        "forward_due": services.forward_deadline(case, calendar),
        "link_due": services.link_deadline(case, calendar),
        "no_answer_dates": services.no_answer_dates(case, calendar),
        "rating": getattr(case, "rating", None),
        "extension_request": extension_request,
        "extension_until": _requested_until(extension_request),
        "forward_request": services.pending_forward_request(case),
        "can_decide_requests": permissions.can_decide_requests(user, case),
        "note_form": forms.get("note") or NoteForm(),
    }
    # The editor is open while the answer is drafted or returned; once it is sent for
    # approval or approved, the page shows the letter, and ?edit=1 (a link beside it)
    # opens the editor again (saving takes the answer back to a draft).
    editing = can_work and (
        answer is None
        or status in {AnswerStatus.DRAFT, AnswerStatus.RETURNED}
        or "answer" in forms
        or (request.GET.get("edit") and status != AnswerStatus.REGISTERED)
    )
    if editing:
        initial = {"version": services.answer_version(answer)}
        if answer is not None:
            initial.update(
                kind=answer.kind,
                body=answer.body,
                grounds=answer.grounds,
                link_url=answer.link_url,
                no_answer_ground=answer.no_answer_ground,
            )
        form = forms.get("answer") or AnswerForm(initial=initial, kind=request.GET.get("kind", ""))
        context["answer_form"] = form
        context["shown_kind"] = form.shown_kind
        context["approval_kinds"] = services.approval_kinds(case)
        context["needs_approval"] = form.shown_kind in context["approval_kinds"]
        text = form.cleaned_data.get("body", "") if form.is_bound else form.editor_html
        grounds = form.data.get("grounds", "") if form.is_bound else initial.get("grounds", "")
        context["warnings"] = plain_language.check(text) if text else []
        context["grounds_warnings"] = plain_language.check(grounds) if grounds else []
        query = request.GET.get("kb", "").strip()
        context["kb_query"] = query
        context["kb_hits"] = _typical_answers(request, case, query)
    elif answer is not None:
        context["letter"] = letter_preview(case, answer)
        if status in {AnswerStatus.APPROVAL, AnswerStatus.APPROVED}:
            context["changes"] = answer_changes(answer)
            context["can_edit_answer"] = can_work
    if can_work:
        context["clarify_form"] = forms.get("clarify") or ClarificationForm()
        context["request_form"] = forms.get("request") or BodyRequestForm()
    if context["can_forward"]:
        context["forward_form"] = forms.get("forward") or ForwardForm()
    if can_work and not context["can_decide_requests"] and not context["forward_request"]:
        # The executor may also leave the decision to the head (cases.services.requests).
        context["forward_request_form"] = forms.get("forward_request") or ForwardRequestForm()
    if context["can_extend"] or can_work:
        # An overdue, already extended or late-notice case shows why, not a form that
        # can only be refused (the service refuses it all the same).
        refusal = not ({"extend", "extension_request"} & set(forms)) and (
            services.extension_refusal(case, calendar=calendar)
        )
        context["extend_refusal"] = refusal
        if not refusal and context["can_extend"]:
            pending = context["extension_request"]
            initial = (
                {"days": pending.data.get("days"), "reason": pending.reason} if pending else {}
            )
            context["extend_form"] = forms.get("extend") or ExtendForm(initial=initial)
            if pending:
                context["decline_form"] = forms.get("decline") or DeclineExtensionForm()
        elif not refusal and not context["extension_request"]:
            context["extension_request_form"] = (
                forms.get("extension_request") or ExtensionRequestForm()
            )
            context["extension_latest"] = services.extension_latest(case, calendar=calendar)
    if can_approve:
        context["review_form"] = forms.get("review") or CommentForm()
    actions = _action_items(context, can_work)
    keys = [key for key, _label in actions]
    active = next((FORM_ACTIONS[key] for key in forms if FORM_ACTIONS.get(key) in keys), None)
    if active is None:
        asked = request.GET.get("action", "")
        active = asked if asked in keys else (keys[0] if keys else "")
    context["actions"] = actions
    context["active_action"] = active
    return context


def _deliveries(case, forms: dict, can_manage: bool) -> list:
    """The letters to the client with their state; a registrar's mark form on each one
    a person still has to mark (bound with the errors after a refused mark)."""
    from cases.forms import DeliveryMarkForm

    items = list(case.deliveries.select_related("outgoing", "answer").order_by("created_at", "pk"))
    for item in items:
        item.mark_form = None
        if can_manage and not item.is_done:
            item.mark_form = forms.get(f"delivery-{item.pk}") or DeliveryMarkForm(delivery=item)
    return items


def _typical_answers(request, case, query: str):
    """Typical answers for the case page: those matching the executor's query, or the
    ones that fit the case's subject and text (search.services). None when the search
    failed in the database or the search engine (logged; the page says so and works on:
    the suggestions are an aid, not the case). Other errors are bugs and are raised."""
    try:
        if query:
            return search.search(
                request.user, query, kind=search.TYPICAL_ANSWER, per_page=8, request=request
            ).hits
        return search.typical_answers_for(
            request.user, f"{case.subject} {case.text}", limit=5, request=request
        )
    except (DatabaseError, *search.engine_errors()):
        logger.exception("Typical answers for case %s could not be searched", case.pk)
        return None


def _act(request, pk, func, *, success, form_class=None, form_key="", allowed=None, **kwargs):
    """Run a service for a staff POST: on success a message and back to the case; on a
    validation error the case page again with the form and its errors. `allowed` (a
    permissions.can_* rule) refuses the user before the form is read."""
    case = _staff_case(request, pk)
    if allowed is not None and not allowed(request.user, case):
        raise PermissionDenied
    data = {}
    form = None
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return _render_case(request, case, status=400, forms={form_key: form})
        data = form.cleaned_data
    try:
        func(case, request.user, data)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(case.get_absolute_url())
        _errors(form, exc)
        if isinstance(exc, services.EditConflict):
            # The typed text stays; the next save goes over the version now stored.
            form.data = form.data.copy()
            form.data["version"] = exc.current_version
            return _render_case(request, case, status=409, forms={form_key: form})
        return _render_case(request, case, status=400, forms={form_key: form})
    return _back_to_case(request, case, success)


@require_POST
def save_answer(request, pk: int):
    """Save the answer's draft, or save it and send it on (`submit`). Two buttons of the
    same form save nothing: «Предпросмотр письма» (`preview`) shows the letter the text
    makes, and, without JavaScript, `show_kind` shows the fields of the kind chosen;
    both return the page with everything typed still in the form."""

    if request.POST.get("preview") or request.POST.get("show_kind"):
        return _answer_without_saving(request, pk)

    def run(case, user, data):
        services.save_answer(
            case,
            user,
            kind=data["kind"],
            body=data["body"],
            grounds=data["grounds"],
            link_url=data["link_url"],
            no_answer_ground=data["no_answer_ground"],
            uploads=data["attachments"],
            # Forms opened before this field existed carry no version: no check for them.
            version=data["version"] if "version" in request.POST else None,
        )
        if request.POST.get("submit"):
            services.submit_answer(case, user)

    success = (
        _("The answer is submitted.") if request.POST.get("submit") else _("The draft is saved.")
    )
    return _act(request, pk, run, success=success, form_class=AnswerForm, form_key="answer")


def _answer_without_saving(request, pk: int):

    case = _staff_case(request, pk)
    if not permissions.can_work_on(request.user, case):
        raise PermissionDenied
    form = AnswerForm(request.POST, request.FILES)
    extra = {}
    if request.POST.get("preview"):
        data = form.cleaned_data
        unsaved = Answer(
            case=case,
            kind=data.get("kind") or form.shown_kind,
            body=form.editor_html,
            grounds=data.get("grounds", ""),
            link_url=data.get("link_url", ""),
            no_answer_ground=data.get("no_answer_ground", ""),
        )
        extra["preview"] = letter_preview(case, unsaved)
        if request.FILES:
            messages.warning(request, _("Files are not kept by the preview: attach them again."))
    return _render_case(request, case, forms={"answer": form}, extra=extra)


@require_POST
def insert_typical_answer(request, pk: int):
    """A typical answer, its placeholders filled from the case. The editor asks for it
    as JSON (Accept: application/json) and puts it at the cursor, saving nothing; a form
    posted without JavaScript (the answer form, with what is typed in it) gets it added
    at the end and the draft saved."""

    case = _staff_case(request, pk)
    if not permissions.can_work_on(request.user, case):
        raise PermissionDenied
    # A code as the knowledge base stores it (at most 20 characters, no NUL byte, which
    # PostgreSQL refuses with a DataError); anything else is no such answer.
    code = forms.CharField(max_length=20)
    try:
        code = code.clean(request.POST.get("code", ""))
    except ValidationError:
        raise Http404 from None
    found = services.fill_typical_answer(case, request.user, code)
    if found is None:
        raise Http404
    article, rendered = found
    html = richtext.text_to_html(rendered.text)
    if rendered.missing:
        message = _("Inserted «%(title)s». Fill in by hand: %(names)s.") % {
            "title": article.title,
            "names": ", ".join(rendered.missing),
        }
    else:
        message = _("Inserted «%(title)s».") % {"title": article.title}
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {"html": html, "title": article.title, "missing": rendered.missing, "message": message}
        )
    if "kind" in request.POST:
        form = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_case(request, case, status=400, forms={"answer": form})
        data = form.cleaned_data
        version = data["version"] if "version" in request.POST else None
    else:
        stored = Answer.objects.filter(case=case).first()
        data = {
            "kind": stored.kind if stored else "merits",
            "body": stored.body if stored else "",
            "grounds": stored.grounds if stored else "",
            "link_url": stored.link_url if stored else "",
            "no_answer_ground": stored.no_answer_ground if stored else "",
            "attachments": [],
        }
        version = None
    try:
        services.save_answer(
            case,
            request.user,
            kind=data["kind"],
            body=data["body"] + html,
            grounds=data["grounds"],
            link_url=data["link_url"],
            no_answer_ground=data["no_answer_ground"],
            uploads=data["attachments"],
            version=version,
        )
    except ValidationError as exc:
        if "kind" not in request.POST:
            raise
        _errors(form, exc)
        if isinstance(exc, services.EditConflict):
            form.data["version"] = exc.current_version
            return _render_case(request, case, status=409, forms={"answer": form})
        return _render_case(request, case, status=400, forms={"answer": form})
    (messages.warning if rendered.missing else messages.success)(request, message)
    return redirect(case.get_absolute_url() + "?action=answer#answer")


@require_POST
def approve_answer(request, pk: int):

    def run(case, user, data):
        if request.POST.get("decision") == "return":
            services.return_answer(case, user, comment=data["comment"])
        else:
            services.approve_answer(case, user, comment=data["comment"])

    success = (
        _("The answer is returned for rework.")
        if request.POST.get("decision") == "return"
        else _("The answer is approved.")
    )
    return _act(request, pk, run, success=success, form_class=CommentForm, form_key="review")


@require_POST
def register_answer(request, pk: int):
    def run(case, user, data):
        answer = services.register_answer(case, user)
        messages.info(
            request,
            _("Outgoing number %(number)s of %(date)s.")
            % {"number": answer.outgoing_number, "date": answer.outgoing_date.strftime("%d.%m.%Y")},
        )

    return _act(request, pk, run, success=_("The answer is registered and is being sent."))


@require_POST
def clarify(request, pk: int):

    return _act(
        request,
        pk,
        lambda case, user, data: services.ask_clarification(case, user, question=data["question"]),
        success=_("The question is sent to the client."),
        form_class=ClarificationForm,
        form_key="clarify",
    )


@require_POST
def extend(request, pk: int):
    """The head extends the deadline, or (`decision=decline`) declines the executor's
    request for more time with a comment."""

    if request.POST.get("decision") == "decline":
        return _act(
            request,
            pk,
            lambda case, user, data: services.decline_extension(
                case, user, comment=data["comment"]
            ),
            success=_("The request for an extension is declined."),
            form_class=DeclineExtensionForm,
            form_key="decline",
            allowed=permissions.can_extend,
        )
    return _act(
        request,
        pk,
        lambda case, user, data: services.extend(
            case, user, days=data["days"], reason=data["reason"]
        ),
        success=_("The deadline is extended and the client notified."),
        form_class=ExtendForm,
        form_key="extend",
    )


@require_POST
def request_extension(request, pk: int):
    """The executor asks the head of the unit for more time, with a reason."""

    return _act(
        request,
        pk,
        lambda case, user, data: services.request_extension(
            case, user, until=data["until"], reason=data["reason"]
        ),
        success=_("The request for an extension is sent to the head of the unit."),
        form_class=ExtensionRequestForm,
        form_key="extension_request",
        allowed=permissions.can_work_on,
    )


@require_POST
def request_forwarding(request, pk: int):
    """The executor asks the head of the unit to forward the case to another body."""

    return _act(
        request,
        pk,
        lambda case, user, data: services.request_forwarding(case, user, **data),
        success=_("The request to forward the case is sent to the head of the unit."),
        form_class=ForwardRequestForm,
        form_key="forward_request",
        allowed=permissions.can_work_on,
    )


@require_POST
def add_note(request, pk: int):
    """An internal note on the case (staff only), with @ mentions of colleagues."""

    return _act(
        request,
        pk,
        lambda case, user, data: services.add_note(case, user, text=data["text"]),
        success=_("The note is added."),
        form_class=NoteForm,
        form_key="note",
        allowed=permissions.can_write_note,
    )


APPROVALS_LIMIT = 100


def approvals(request, forms=None, status=200):
    """The head's approvals queue: the executors' requests for an extension or for
    forwarding on the cases of the units they head, each with its decision form, and
    the answers waiting for their approval (decided on the case page)."""
    user = request.user
    if not permissions.can_use_approvals(user):
        raise PermissionDenied
    forms = forms or {}
    pending = services.pending_requests(user)
    requests = list(pending[:APPROVALS_LIMIT])
    for item in requests:
        item.form = forms.get(item.pk) or DecisionForm(request_event=item)
    answers = list(services.answers_for_approval(user)[:APPROVALS_LIMIT])
    _annotate_states([item.case for item in requests] + answers)
    return render(
        request,
        "cases/approvals.html",
        {
            "requests": requests,
            "request_count": len(requests) if len(requests) < APPROVALS_LIMIT else pending.count(),
            "answers": answers,
            "answer_count": len(answers)
            if len(answers) < APPROVALS_LIMIT
            else services.answers_for_approval(user).count(),
            "limit": APPROVALS_LIMIT,
        },
        status=status,
    )


@require_POST
def decide_request(request, event_pk: int):
    """The head approves (`decision=approve`) or declines an executor's request from the
    approvals queue, with a reason; on an error the queue again with the reason typed."""
    user = request.user
    if not permissions.can_use_approvals(user):
        raise PermissionDenied
    event = get_object_or_404(
        CaseEvent.objects.select_related("case").filter(kind__in=services.REQUEST_KINDS),
        pk=event_pk,
    )
    if not permissions.can_view(user, event.case):
        raise Http404
    if not permissions.can_decide_requests(user, event.case):
        raise PermissionDenied
    form = DecisionForm(request.POST, request_event=event)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            services.decide(event, user, approve=approve, reason=form.cleaned_data["reason"])
        except services.CaseStateError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("cases:approvals")
        except ValidationError as exc:
            _errors(form, exc)
        else:
            if event.kind == EventKind.EXTENSION_REQUESTED:
                success = (
                    _("The deadline is extended and the client notified.")
                    if approve
                    else _("The request for an extension is declined.")
                )
            else:
                success = (
                    _("The case is forwarded and the client notified.")
                    if approve
                    else _("The request to forward the case is declined.")
                )
            messages.success(
                request, f"{event.case.registration_number or event.case.pk}: {success}"
            )
            return redirect("cases:approvals")
    return approvals(request, forms={event.pk: form}, status=400)


def _warn_if_late(request, forwarding) -> None:
    """A forwarding after its term goes through, with a warning on the page."""
    if not forwarding.on_time:
        messages.warning(request, forwarding.late_warning())


@require_POST
def forward(request, pk: int):

    return _act(
        request,
        pk,
        lambda case, user, data: _warn_if_late(request, services.forward(case, user, **data)),
        success=_("The case is forwarded and the client notified."),
        form_class=ForwardForm,
        form_key="forward",
    )


@require_POST
def request_documents(request, pk: int):

    return _act(
        request,
        pk,
        lambda case, user, data: services.request_documents(case, user, **data),
        success=_("The request is recorded."),
        form_class=BodyRequestForm,
        form_key="request",
    )


@require_POST
def body_reply(request, pk: int, request_pk: int):
    case = _staff_case(request, pk)
    body_request = get_object_or_404(case.body_requests, pk=request_pk)
    services.record_body_reply(body_request, request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The reply is recorded."))
    return redirect(case.get_absolute_url())


def _delivery(request, pk: int, delivery_pk: int):
    case = _staff_case(request, pk)
    if not permissions.can_manage_delivery(request.user, case):
        raise PermissionDenied
    return case, get_object_or_404(case.deliveries.select_related("answer"), pk=delivery_pk)


@require_POST
def delivery_action(request, pk: int, delivery_pk: int):
    """Send a failed e-mail again, or mark a letter sent or handed over on a day (the
    form again with its errors when the day is refused, the note kept)."""
    from cases import delivery
    from cases.forms import DeliveryMarkForm

    case, item = _delivery(request, pk, delivery_pk)
    if request.POST.get("action") == "retry":
        delivery.retry(item, request.user)
        messages.success(request, _("Queued to be sent again."))
        return redirect(case.get_absolute_url() + "#deliveries")
    form = DeliveryMarkForm(request.POST, delivery=item)
    if form.is_valid():
        try:
            item = delivery.mark_delivered(
                item, request.user, form.cleaned_data["note"], on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Marked: %(state)s.") % {"state": item.state})
            return redirect(case.get_absolute_url() + "#deliveries")
    return _render_case(request, case, status=400, forms={f"delivery-{item.pk}": form})


def delivery_print(request, pk: int, delivery_pk: int):
    """The printable letter for post and personal pickup: the letter as it was issued
    (cases.letters), or the delivery's text for a letter queued before letters were
    kept."""
    case, item = _delivery(request, pk, delivery_pk)
    _audit_read(request, case)
    return render(request, "cases/letter_print.html", {"case": case, "delivery": item,
                                                        "answer": item.answer,
                                                        "letter": item.letter})  # fmt: skip


def _pdf_response(outgoing: OutgoingLetter) -> HttpResponse:
    """The letter as it was issued, as a PDF download (headers as for stored files:
    intranet.uploads.serve_attachment)."""
    letter = letters.of_record(outgoing)
    response = HttpResponse(letters.pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(letter.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def letter_pdf(request, pk: int, letter_pk: int):
    """An outgoing letter of the case as PDF, for the staff who see the case as staff
    (anyone else: not found, as the case itself)."""
    case = _staff_case(request, pk)
    if not permissions.can_handle(request.user, case):
        raise Http404
    outgoing = get_object_or_404(case.letters, pk=letter_pk)
    _audit_read(request, case)
    return _pdf_response(outgoing)


def client_letter_pdf(request, pk: int, letter_pk: int):
    """A letter to the client as PDF, for the client of the case only; a letter to
    another body (a covering letter, a request for documents) is not theirs."""
    case = get_object_or_404(Case, pk=pk, client=request.user)
    outgoing = get_object_or_404(case.letters.filter(kind__in=letters.CLIENT_KINDS), pk=letter_pk)
    return _pdf_response(outgoing)


def answer_attachment(request, pk: int):
    from intranet.uploads import serve_attachment

    item = get_object_or_404(AnswerAttachment.objects.select_related("answer__case"), pk=pk)
    case = item.answer.case
    if not permissions.can_view(request.user, case):
        raise Http404
    if case.client_id == request.user.pk and not item.answer.is_registered:
        raise Http404
    _audit_read(request, case)
    return serve_attachment(request, item.file, item.original_name)


@require_POST
def client_reply(request, pk: int):

    case = get_object_or_404(Case, pk=pk, client=request.user)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_clarification(case, request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Your reply is sent."))
            return redirect(case.get_client_url())
    return _render_client(request, case, reply_form=form, status=400)


@require_POST
def client_supplement(request, pk: int):
    """The client adds information and/or files to their open question. Another
    client's case is not found; a closed or answered one refuses. On an error the page
    comes back with the text as typed (files must be chosen again: a browser cannot
    refill a file input)."""
    case = get_object_or_404(Case, pk=pk, client=request.user)
    if not permissions.can_supplement(request.user, case):
        raise PermissionDenied
    form = SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_supplement(
                case, request.user, text=data["text"], uploads=data["attachments"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The information is added to your question."))
            return redirect(case.get_client_url() + "#timeline")
    if request.FILES:
        form.add_error(None, _("The files were not saved: choose them again."))
    return _render_client(request, case, supplement_form=form, status=400)


@require_POST
def rate(request, pk: int):

    case = get_object_or_404(Case, pk=pk, client=request.user)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_answer(case, request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect(case.get_client_url())
    return _render_client(request, case, rating_form=form, status=400)


@require_POST
def case_links(request, pk: int):
    """Link a case to a related one, or join it as a duplicate (registrars, heads). On an
    error the case page comes back with the form as typed (cases/includes/links.html)."""
    case = _staff_case(request, pk)
    if not permissions.can_link(request.user, case):
        raise PermissionDenied
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        other = services.case_by_number(data["other"])
        if other is None or not permissions.can_view(request.user, other):
            form.add_error("other", _("No case with this number among those you can see."))
        else:
            try:
                if data["action"] == LinkForm.JOIN:
                    services.join_duplicate(case, request.user, other, reason=data["reason"])
                    success = _("The case is joined to %(number)s.")
                else:
                    services.link_related(case, request.user, other)
                    success = _("The cases are linked: %(number)s.")
            except ValidationError as exc:
                _errors(form, exc)
            else:
                return _back_to_case(request, case, success % {"number": data["other"]})
    request.link_form = form
    return _render_case(request, case, status=400)
