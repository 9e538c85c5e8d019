"""The client portal (ask, my questions, withdraw) and the staff workspace (queues,
case page, registration, urgency, routing). Thin: visibility comes from
``Case.objects.visible_to``, rights from ``cases.permissions``, changes from
``cases.services``."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import deadlines, limits, permissions, services
from cases.choices import DeadlineState, Status, Urgency
from cases.filters import (
    QUEUE_KEYS,
    QUEUES,
    SORTS,
    CaseFilter,
    apply_queue,
    apply_sort,
    default_queue,
    filter_controls,
)
from cases.forms import (
    AssignForm,
    LinkForm,
    QuestionForm,
    RegisterForm,
    UrgencyForm,
    new_submission_token,
)
from cases.models import Attachment, Case, CaseEvent
from cases.templatetags.cases_tags import STATE_CLASSES
from intranet.security import client_text
from intranet.workdays import get_calendar

logger = logging.getLogger(__name__)

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


def _render_client(request, case, reply_form=None, rating_form=None, status=200, withdraw=None):
    from cases.forms import RatingForm, ReplyForm
    from cases.models import Answer, Rating

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
    return render(
        request,
        "cases/client_detail.html",
        {
            "case": case,
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


def workspace(request):
    user = request.user
    if not permissions.can_use_workspace(user):
        return redirect("cases:mine")
    queue = request.GET.get("queue") or default_queue(user)
    if queue not in QUEUE_KEYS:
        queue = "all"
    calendar = get_calendar()
    base = Case.objects.visible_to(user)
    queued = apply_queue(base, queue, user, calendar=calendar)
    filterset = CaseFilter(request.GET or None, queryset=queued)
    cases = filterset.qs if filterset.is_bound and filterset.is_valid() else queued
    sort = request.GET.get("sort", "due_date")
    cases = apply_sort(cases.for_queue(), sort)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    _annotate_states(page.object_list, calendar)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/workspace.html",
        {
            "page": page,
            "rows": _queue_rows(page.object_list),
            "filter_controls": filter_controls(filterset, user),
            "queue": queue,
            "queues": QUEUES,
            "sort": sort,
            "sorts": SORTS,
            "querystring": params.urlencode(),
            "can_register": permissions.can_register(user),
            # The filters' box is open when a filter or sort is in use (and on wide screens).
            "filters_active": any(key not in ("queue", "page") for key in request.GET),
        },
    )


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


def _render_case(request, case, urgency_form=None, assign_form=None, status=200, forms=None):
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
    context = _answer_context(request, case, forms or {})
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


# --- part 2: answers, clarifications, extensions, forwarding, deliveries, ratings ------


def _answer_context(request, case, forms: dict) -> dict:
    """What the case page shows and offers for the answer stage."""
    from cases import plain_language
    from cases.forms import (
        AnswerForm,
        BodyRequestForm,
        ClarificationForm,
        CommentForm,
        ExtendForm,
        ForwardForm,
    )
    from cases.models import Answer

    user = request.user
    answer = Answer.objects.filter(case=case).prefetch_related("attachments").first()
    can_work = permissions.can_work_on(user, case)
    can_approve = (
        answer is not None and answer.status == "approval" and permissions.can_approve(user, case)
    )
    context = {
        "answer": answer,
        "can_work": can_work,
        "can_approve": can_approve,
        "can_extend": permissions.can_extend(user, case),
        "can_forward": can_work
        or (permissions.is_registrar(user) and case.status in permissions.TRIAGE_STATUSES),
        "can_register_answer": answer is not None
        and answer.status != "registered"
        and permissions.can_register_answer(user, case),
        "needs_approval": answer is not None and services.needs_approval(case, answer.kind),
        "can_manage_delivery": permissions.can_manage_delivery(user, case),
        "deliveries": case.deliveries.prefetch_related("log").order_by("created_at", "pk"),
        "clarifications": case.clarifications.select_related("asked_by"),
        "body_requests": case.body_requests.all(),
        "forwarding": getattr(case, "forwarding", None),
        "forward_due": services.forward_deadline(case),
        "link_due": services.link_deadline(case),
        "no_answer_dates": services.no_answer_dates(case),
        "rating": getattr(case, "rating", None),
        "warnings": plain_language.check(answer.body) if answer and answer.body else [],
        "grounds_warnings": plain_language.check(answer.grounds)
        if answer and answer.grounds
        else [],
    }
    if can_work:
        initial = {}
        if answer is not None:
            initial = {
                "kind": answer.kind,
                "body": answer.body,
                "grounds": answer.grounds,
                "link_url": answer.link_url,
                "no_answer_ground": answer.no_answer_ground,
            }
        initial["version"] = services.answer_version(answer)
        context["answer_form"] = forms.get("answer") or AnswerForm(initial=initial)
        context["clarify_form"] = forms.get("clarify") or ClarificationForm()
        context["request_form"] = forms.get("request") or BodyRequestForm()
        query = request.GET.get("kb", "").strip()
        context["kb_query"] = query
        context["kb_hits"] = _typical_answers(request, case, query)
    if context["can_forward"]:
        context["forward_form"] = forms.get("forward") or ForwardForm()
    if context["can_extend"]:
        # An overdue, already extended or late-notice case shows why, not a form that
        # can only be refused (the service refuses it all the same).
        context["extend_refusal"] = "extend" not in forms and services.extension_refusal(case)
        if not context["extend_refusal"]:
            context["extend_form"] = forms.get("extend") or ExtendForm()
    if can_approve:
        context["review_form"] = forms.get("review") or CommentForm()
    return context


def _typical_answers(request, case, query: str):
    """Typical answers for the case page: those matching the executor's query, or the
    ones that fit the case's subject and text (search.services). None when the search
    failed in the database or the search engine (logged; the page says so and works on:
    the suggestions are an aid, not the case). Other errors are bugs and are raised."""
    from django.db import DatabaseError

    from search import services as search

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


def _act(request, pk, func, *, success, form_class=None, form_key="", **kwargs):
    """Run a service for a staff POST: on success a message and back to the case; on a
    validation error the case page again with the form and its errors."""
    case = _staff_case(request, pk)
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
    from cases.forms import AnswerForm, text_to_html

    def run(case, user, data):
        services.save_answer(
            case,
            user,
            kind=data["kind"],
            body=text_to_html(data["body"]),
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


@require_POST
def insert_typical_answer(request, pk: int):
    """Append a typical answer, its placeholders filled from the case, to the draft."""
    from cases.models import Answer

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
    from cases.forms import text_to_html

    answer = Answer.objects.filter(case=case).first()
    body = (answer.body if answer else "") + text_to_html(rendered.text)
    services.save_answer(
        case,
        request.user,
        kind=answer.kind if answer else "merits",
        body=body,
        grounds=answer.grounds if answer else "",
        link_url=answer.link_url if answer else "",
        no_answer_ground=answer.no_answer_ground if answer else "",
    )
    if rendered.missing:
        messages.warning(
            request,
            _("Inserted «%(title)s». Fill in by hand: %(names)s.")
            % {"title": article.title, "names": ", ".join(rendered.missing)},
        )
    else:
        messages.success(request, _("Inserted «%(title)s».") % {"title": article.title})
    return redirect(case.get_absolute_url() + "#answer")


@require_POST
def approve_answer(request, pk: int):
    from cases.forms import CommentForm

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
    from cases.forms import ClarificationForm

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
    from cases.forms import ExtendForm

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


def _warn_if_late(request, forwarding) -> None:
    """A forwarding after its term goes through, with a warning on the page."""
    if not forwarding.on_time:
        messages.warning(request, forwarding.late_warning())


@require_POST
def forward(request, pk: int):
    from cases.forms import ForwardForm

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
    from cases.forms import BodyRequestForm

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
    from cases import delivery as outbox

    case, item = _delivery(request, pk, delivery_pk)
    if request.POST.get("action") == "retry":
        outbox.retry(item, request.user)
        messages.success(request, _("Sent again."))
    else:
        outbox.mark_delivered(item, request.user, request.POST.get("note", ""))
        messages.success(request, _("Marked delivered."))
    return redirect(case.get_absolute_url() + "#deliveries")


def delivery_print(request, pk: int, delivery_pk: int):
    """The printable letter for post and personal pickup."""
    case, item = _delivery(request, pk, delivery_pk)
    _audit_read(request, case)
    return render(request, "cases/letter_print.html", {"case": case, "delivery": item,
                                                        "answer": item.answer})  # fmt: skip


def answer_attachment(request, pk: int):
    from cases.models import AnswerAttachment
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
    from cases.forms import ReplyForm

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
def rate(request, pk: int):
    from cases.forms import RatingForm

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
