"""/cases/reception/: clients choose a point, a day and a free slot, see, cancel and move
their bookings; the staff who receive visitors see (and print) the day's list and record
the reception cards. The rules are in `cases.reception.services`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import permissions
from cases.reception import services
from cases.reception.forms import BookingForm, CancelForm, CardForm, DayForm, RescheduleForm
from cases.reception.models import Booking, BookingEvent, CardOutcome, ReceptionCard
from cases.reception.slots import Planner
from intranet.models import ReceptionPointPage


def _points():
    return ReceptionPointPage.objects.live().order_by("path")


def _day_param(value, default: dt.date) -> dt.date:
    """The day of a link or a hidden field (ISO 8601 or ДД.ММ.ГГГГ), `default` if none."""
    return DayForm({"day": value or ""}).day_or(default)


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def points(request):
    """Step 1: the reception points, with their hours."""
    if not services.can_book(request.user):
        raise PermissionDenied
    rows = []
    for point in _points().prefetch_related("hours"):
        planner = Planner(point)
        free_days = [day for day, free in planner.days() if free]
        rows.append({"point": point, "schedule": planner.schedule,
                     "next_day": free_days[0] if free_days else None})  # fmt: skip
    return render(request, "reception/points.html", {"rows": rows})


def _picker(planner: Planner, requested: dt.date | None, exclude=None) -> dict:
    """Step 2 and 3: the days with reception hours and the chosen day's slots."""
    days = planner.days(exclude=exclude)
    day = requested
    if day is None or day not in {d for d, _free in days}:
        day = next((d for d, free in days if free), days[0][0] if days else None)
    return {"days": days, "day": day, "slots": planner.day(day, exclude) if day else []}


def book(request, pk: int):
    if not services.can_book(request.user):
        raise PermissionDenied
    point = get_object_or_404(_points(), pk=pk)
    planner = Planner(point)
    requested = _day_param(request.GET.get("day"), None)
    form = BookingForm(request.POST or None, initial={"reminder_contact": request.user.email})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            requested = timezone.localtime(form.cleaned_data["slot"]).date()
            try:
                services.book(
                    request.user, point, form.cleaned_data["slot"],
                    topic=form.cleaned_data["topic"], question=form.cleaned_data["question"],
                    reminder_channel=form.cleaned_data["reminder_channel"],
                    reminder_contact=form.cleaned_data["reminder_contact"],
                )  # fmt: skip
            except services.SlotTaken as exc:
                form.add_error(None, exc)
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("You are booked. The booking is in your list."))
                return redirect("reception:mine")
        else:
            requested = _day_param(request.POST.get("day"), requested)
    context = {"point": point, "form": form, **_picker(planner, requested),
               "chosen": request.POST.get("slot", "")}  # fmt: skip
    return render(request, "reception/book.html", context, status=status)


def mine(request):
    if not services.can_book(request.user):
        raise PermissionDenied
    now = timezone.now()
    bookings = (
        Booking.objects.filter(client=request.user)
        .select_related("point", "card", "card__case")
        .prefetch_related(Prefetch("events", queryset=BookingEvent.objects.order_by("at", "pk")))
    )
    upcoming = list(bookings.active().filter(starts_at__gt=now).order_by("starts_at"))
    past = list(bookings.exclude(pk__in=[b.pk for b in upcoming]).order_by("-starts_at")[:50])
    context = {"upcoming": upcoming, "past": past}
    return render(request, "reception/mine.html", context)


@require_POST
def cancel(request, pk: int):
    booking = services.own_booking(request.user, pk)
    form = CancelForm(request.POST)
    default = "reception:mine" if booking.client_id == request.user.pk else "reception:day"
    if form.is_valid():
        try:
            services.cancel(booking, request.user, shown_starts=form.cleaned_data["shown"],
                            reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The booking is cancelled."))
        return redirect(_back(request, _url(default, booking)))
    messages.error(request, _("The form is incomplete: open the booking again."))
    return render(request, "reception/problem.html", {"booking": booking}, status=400)


def _url(name: str, booking: Booking) -> str:
    from django.urls import reverse

    url = reverse(name)
    if name == "reception:day":
        day = timezone.localtime(booking.starts_at).date().isoformat()
        url += f"?point={booking.point_id}&day={day}"
    return url


def reschedule(request, pk: int):
    booking = services.own_booking(request.user, pk)
    if not booking.is_active or not booking.is_future:
        messages.error(request, _("Only a future booking can be moved."))
        return redirect("reception:mine")
    planner = Planner(booking.point)
    requested = _day_param(request.GET.get("day"), timezone.localtime(booking.starts_at).date())
    form = RescheduleForm(request.POST or None, initial={"shown": booking.starts_token})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            requested = timezone.localtime(form.cleaned_data["slot"]).date()
            try:
                services.reschedule(booking, request.user, form.cleaned_data["slot"],
                                    shown_starts=form.cleaned_data["shown"])  # fmt: skip
            except services.SlotTaken as exc:
                form.add_error(None, exc)
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The booking is moved."))
                own = booking.client_id == request.user.pk
                return redirect(
                    _back(request, _url("reception:mine" if own else "reception:day", booking))
                )
        else:
            requested = _day_param(request.POST.get("day"), requested)
    booking.refresh_from_db()
    context = {"booking": booking, "point": booking.point, "form": form,
               **_picker(planner, requested, exclude=booking),
               "chosen": request.POST.get("slot", "")}  # fmt: skip
    return render(request, "reception/reschedule.html", context, status=status)


def _day_context(request) -> dict:
    if not services.can_see_day(request.user):
        raise PermissionDenied
    all_points = list(_points())
    point = next((p for p in all_points if str(p.pk) == request.GET.get("point")), None)
    point = point or (all_points[0] if all_points else None)
    day_form = DayForm(request.GET if "day" in request.GET else None)
    day = day_form.day_or(timezone.localdate())
    if not day_form.is_bound or day_form.is_valid():  # the box shows the day shown
        day_form = DayForm(initial={"day": day})
    visitors = list(services.day_list(point, day)) if point else []
    return {
        "points": all_points, "point": point, "day": day, "day_form": day_form,
        "visitors": visitors,
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "can_manage": services.can_manage(request.user), "now": timezone.now(),
    }  # fmt: skip


def day(request):
    """The day's list of booked visitors of a point."""
    return render(request, "reception/day.html", _day_context(request))


def day_print(request):
    """The same list to print: no navigation, print styles."""
    return render(request, "reception/day_print.html", _day_context(request))


def card(request, pk: int):
    """The booking as the receiving staff see it, its history, and the reception card."""
    booking = services.staff_booking(request.user, pk)
    existing = ReceptionCard.objects.filter(booking=booking).select_related("case").first()
    initial = {"message": booking.question}
    if existing:
        initial = {"message": existing.message, "answer": existing.answer,
                   "oral_consent": existing.oral_consent}  # fmt: skip
    form = CardForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        action = request.POST.get("action")
        if action not in CardOutcome.values:
            form.add_error(None, _("Choose the outcome."))
        elif form.is_valid():
            try:
                saved = services.record_card(booking, request.user, outcome=action,
                                             **form.cleaned_data)  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if saved.case_id:
                    messages.success(request, _("The written case %(number)s is registered.")
                                     % {"number": saved.case.registration_number})  # fmt: skip
                    return redirect(saved.case.get_absolute_url())
                if saved.awaits_registration:
                    messages.success(request, _("The card is saved; a registrar will register "
                                                "the written case."))  # fmt: skip
                else:
                    messages.success(request, _("The card is saved."))
                return redirect("reception:card", pk=booking.pk)
    events = booking.events.select_related("actor").order_by("at", "pk")
    context = {
        "booking": booking,
        "card": existing,
        "form": form,
        "events": events,
        "can_manage": services.can_manage(request.user),
        "can_register": permissions.can_register(request.user),
        "started": booking.starts_at <= timezone.now() + dt.timedelta(minutes=30),
    }
    return render(request, "reception/card.html", context, status=status)


@require_POST
def reminded(request, pk: int):
    """The registrar phoned the visitor with the reminder."""
    if not services.can_manage(request.user):
        raise PermissionDenied
    booking = get_object_or_404(Booking, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete: open the booking again."))
        return render(request, "reception/problem.html", {"booking": booking}, status=400)
    try:
        services.mark_reminded(booking, request.user, shown_starts=form.cleaned_data["shown"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_back(request, _url("reception:day", booking)))
