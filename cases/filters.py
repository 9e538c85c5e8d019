"""Queues and filters of the staff workspace, shared by the UI and the API.

Every queryset passed in is already limited by ``Case.objects.visible_to(user)``;
queues and filters only narrow it."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import permissions
from cases.choices import OPEN_STATUSES, Channel, Regime, Status, Urgency
from cases.models import Case
from cases.topics import Topic
from intranet import roles
from intranet.accounts.models import User
from intranet.models import Unit
from intranet.workdays import get_calendar

QUEUES = [
    ("mine", _("Mine")),
    ("unit", _("My unit")),
    ("unassigned", _("Unassigned")),
    ("urgent", _("Urgent")),
    ("due_soon", _("Due soon")),
    ("overdue", _("Overdue")),
    ("waiting_client", _("Waiting for the client")),
    ("approval", _("Awaiting approval")),
    ("delivery_problems", _("Delivery problems")),
    ("to_deliver", _("Letters to hand over")),
    ("all", _("All open")),
    ("closed", _("Closed")),
]
QUEUE_KEYS = {key for key, _label in QUEUES}

SORTS = [
    ("due_date", _("Deadline, earliest first")),
    ("-due_date", _("Deadline, latest first")),
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
]
SORT_KEYS = {key for key, _label in SORTS}


def apply_queue(queryset, queue: str, user, today=None, calendar=None):
    from cases.delivery import HAND_CHANNELS
    from cases.models import Delivery, DeliveryStatus

    today = today or timezone.localdate()
    # Deliveries are looked at in every status: a closed or forwarded case can still
    # have a letter that did not reach the client.
    if queue == "delivery_problems":
        failing = Delivery.objects.filter(status=DeliveryStatus.FAILED).values("case_id")
        return queryset.filter(pk__in=failing)
    if queue == "to_deliver":
        by_hand = Delivery.objects.filter(
            status=DeliveryStatus.QUEUED, channel__in=HAND_CHANNELS
        ).values("case_id")
        return queryset.filter(pk__in=by_hand)
    if queue == "closed":
        return queryset.exclude(status__in=OPEN_STATUSES)
    queryset = queryset.filter(status__in=OPEN_STATUSES)
    if queue == "mine":
        return queryset.filter(executed_by(user.pk, open_only=True))
    if queue == "unit":
        ids = set(permissions.headed_subtree_ids(user))
        unit_id = permissions.member_unit_id(user)
        if unit_id:
            ids.add(unit_id)
        return queryset.filter(unit_id__in=ids)
    if queue == "unassigned":
        return queryset.filter(unit__isnull=True)
    if queue == "urgent":
        return queryset.filter(urgency=Urgency.URGENT)
    if queue == "due_soon":
        return queryset.due_soon(today, calendar or get_calendar())
    if queue == "overdue":
        return queryset.overdue(today)
    if queue == "waiting_client":
        return queryset.filter(status=Status.CLARIFICATION)
    if queue == "approval":
        return queryset.filter(status=Status.APPROVAL)
    return queryset


# Above this many co-executed cases the condition keeps its sub-query (a literal list
# that long would cost more to send and plan than the sub-query costs to run).
CO_EXECUTED_LIST_LIMIT = 500


def executed_by(user_id: int, open_only: bool = False) -> Q:
    """Cases `user_id` executes or co-executes. The co-executed case keys are read first
    and sent as a list: PostgreSQL then combines the (executor, status) index with the
    primary key (a bitmap OR) and sorts a few hundred rows, where a sub-query inside the
    OR made it walk every open case in deadline order (docs/performance.md)."""
    co = Case.co_executors.through.objects.filter(user_id=user_id)
    if open_only:
        co = co.filter(case__status__in=OPEN_STATUSES)
    keys = list(co.values_list("case_id", flat=True)[: CO_EXECUTED_LIST_LIMIT + 1])
    if len(keys) > CO_EXECUTED_LIST_LIMIT:
        return Q(executor_id=user_id) | Q(pk__in=co.values("case_id"))
    return Q(executor_id=user_id) | Q(pk__in=keys)


def _day_start(day):
    """Midnight of `day` in the current time zone: date filters compare the column with
    a moment, so the index on it stays usable (a ``__date`` lookup casts every row)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def apply_sort(queryset, sort: str):
    sort = sort if sort in SORT_KEYS else "due_date"
    field = F(sort.lstrip("-"))
    expression = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return queryset.order_by(expression, "-received_at", "-pk")


def default_queue(user) -> str:
    if permissions.is_registrar(user):
        return "unassigned"
    if permissions.is_executor(user):
        return "mine"
    return "unit"


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    regime = django_filters.ChoiceFilter(label=_("Regime"), choices=Regime.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.active(), method="filter_unit"
    )
    executor = django_filters.ModelChoiceFilter(
        label=_("Executor"),
        queryset=User.objects.filter(groups__name=roles.EXECUTORS, is_active=True).distinct(),
        method="filter_executor",
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", method="filter_received_from"
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"), field_name="received_at", method="filter_received_to"
    )
    due_from = django_filters.DateFilter(
        label=_("Deadline from"), field_name="due_date", lookup_expr="gte"
    )
    due_to = django_filters.DateFilter(
        label=_("Deadline to"), field_name="due_date", lookup_expr="lte"
    )
    number = django_filters.CharFilter(
        label=_("Registration number"), field_name="registration_number", lookup_expr="icontains"
    )

    class Meta:
        model = Case
        fields = [
            "status", "regime", "channel", "topic", "urgency", "unit", "executor",
            "received_from", "received_to", "due_from", "due_to", "number",
        ]  # fmt: skip

    def filter_unit(self, queryset, name, value):
        """A unit with its sub-units."""
        return queryset.filter(unit_id__in=value.descendant_ids()) if value else queryset

    def filter_executor(self, queryset, name, value):
        return queryset.filter(executed_by(value.pk)) if value else queryset

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_day_start(value)) if value else queryset

    def filter_received_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))
