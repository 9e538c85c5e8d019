"""Queues and filters of the staff workspace, shared by the UI and the API.

Every queryset passed in is already limited by ``Case.objects.visible_to(user)``;
queues and filters only narrow it."""

from __future__ import annotations

import datetime as dt
from html import escape

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filters_settings

from cases import deadlines, permissions
from cases.choices import DEADLINE_STATUSES, OPEN_STATUSES, Channel, Regime, Status, Urgency
from cases.models import Case, CaseEvent, EventKind
from cases.topics import Topic
from intranet import roles
from intranet.accounts.models import User
from intranet.forms import DateField, RussianDateInput
from intranet.keys import key_from
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
# The queues of deliveries to see to, whatever the case's status.
DELIVERY_QUEUES = ("delivery_problems", "to_deliver")

SORTS = [
    ("due_date", _("Deadline, earliest first")),
    ("-due_date", _("Deadline, latest first")),
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
    ("registration_number", _("By number")),
    ("subject", _("By subject, А–Я")),
    ("status", _("By status")),
]
# The columns a queue may be sorted by (the headers of the table are links), each
# served by an index of Case (docs/performance.md); «-» in front: descending.
SORT_FIELDS = ("registration_number", "subject", "status", "received_at", "due_date")
SORT_KEYS = {key for field in SORT_FIELDS for key in (field, f"-{field}")}
DEFAULT_SORT = "due_date"

# How many rows a page of the queue holds (?per_page=).
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


def page_size(value) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def queue_condition(queue: str, user, today=None, calendar=None) -> Q:
    """The condition on Case of `queue` for `user`: a Q, so that the queue filters a
    list and every tab's count is one aggregate (cases.filters.queue_counts)."""
    today = today or timezone.localdate()
    # Deliveries are looked at in every status: a closed or forwarded case can still
    # have a letter that did not reach the client.
    if queue in DELIVERY_QUEUES:
        return Q(pk__in=_deliveries(queue).values("case_id"))
    if queue == "closed":
        return ~Q(status__in=OPEN_STATUSES)
    condition = Q(status__in=OPEN_STATUSES)
    if queue == "mine":
        return condition & executed_by(user.pk, open_only=True)
    if queue == "unit":
        ids = set(permissions.headed_subtree_ids(user))
        unit_id = permissions.member_unit_id(user)
        if unit_id:
            ids.add(unit_id)
        return condition & Q(unit_id__in=ids)
    if queue == "unassigned":
        return condition & Q(unit__isnull=True)
    if queue == "urgent":
        return condition & Q(urgency=Urgency.URGENT)
    running = Q(status__in=DEADLINE_STATUSES, due_date__isnull=False)
    if queue == "due_soon":
        until = deadlines.due_soon_until(today, calendar or get_calendar())
        return condition & running & Q(due_date__gte=today, due_date__lte=until)
    if queue == "overdue":
        return condition & running & Q(due_date__lt=today)
    if queue == "waiting_client":
        return condition & Q(status=Status.CLARIFICATION)
    if queue == "approval":
        # What waits for the head's decision: answers and executors' extension requests.
        return condition & (Q(status=Status.APPROVAL) | Q(pk__in=extension_requested()))
    return condition


def apply_queue(queryset, queue: str, user, today=None, calendar=None):
    return queryset.filter(queue_condition(queue, user, today=today, calendar=calendar))


# The closed tab counts up to this many and then says «1 000+»: the archive grows with
# every year, the open cases do not (bench/README.md, growth).
CLOSED_COUNT_CAP = 1000


def queue_counts(queryset, user, today=None, calendar=None) -> dict[str, int]:
    """The number of cases in every queue over `queryset` (what the user sees, with the
    filters in use): {queue key: count}. Bounded work whatever the archive's size: one
    aggregate over the open cases for the open queues (each of their conditions holds
    only open cases), one over the few cases with a failed or hand delivery, and the
    closed ones counted up to CLOSED_COUNT_CAP + 1 (`closed_count_capped`)."""
    today = today or timezone.localdate()
    calendar = calendar or get_calendar()
    base = queryset.order_by()

    def condition(key):
        return queue_condition(key, user, today=today, calendar=calendar)

    open_keys = [key for key, _l in QUEUES if key not in DELIVERY_QUEUES and key != "closed"]
    counts = base.filter(status__in=OPEN_STATUSES).aggregate(
        **{f"count_{key}": Count("pk", filter=condition(key)) for key in open_keys}
    )
    counts |= base.filter(_delivery_cases()).aggregate(
        **{f"count_{key}": Count("pk", filter=condition(key)) for key in DELIVERY_QUEUES}
    )
    counts["count_closed"] = (
        base.filter(condition("closed")).values("pk")[: CLOSED_COUNT_CAP + 1].count()
    )
    return {key: counts[f"count_{key}"] for key, _label in QUEUES}


def _deliveries(queue: str):
    """The deliveries a delivery queue is about: failed ones, or letters queued to be
    handed over (by hand, phone or post)."""
    from cases.delivery import HAND_CHANNELS
    from cases.models import Delivery, DeliveryStatus

    if queue == "delivery_problems":
        return Delivery.objects.filter(status=DeliveryStatus.FAILED)
    return Delivery.objects.filter(status=DeliveryStatus.QUEUED, channel__in=HAND_CHANNELS)


# Above this many cases in the delivery queues their counts keep the sub-queries.
DELIVERY_KEYS_LIMIT = 2000


def _delivery_cases() -> Q:
    """The cases of both delivery queues, as keys when there are not too many
    (PostgreSQL reads them by primary key instead of testing every visible case against
    two sub-queries), else as the sub-queries themselves."""
    pending = (_deliveries(DELIVERY_QUEUES[0]) | _deliveries(DELIVERY_QUEUES[1])).values("case_id")
    keys = set(pending.values_list("case_id", flat=True)[: DELIVERY_KEYS_LIMIT + 1])
    if len(keys) > DELIVERY_KEYS_LIMIT:
        return Q(pk__in=pending)
    return Q(pk__in=keys)


def closed_count_capped(count: int) -> bool:
    return count > CLOSED_COUNT_CAP


def extension_requested():
    """Keys of the cases whose executor asked for more time and the head has not yet
    extended the deadline or declined the request."""
    decided = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"),
        kind__in=[EventKind.EXTENDED, EventKind.EXTENSION_DECLINED],
        at__gte=OuterRef("at"),
    )
    return (
        CaseEvent.objects.filter(kind=EventKind.EXTENSION_REQUESTED)
        .exclude(Exists(decided))
        .values("case_id")
    )


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
    """`queryset` in the order `sort` names (a key of SORT_KEYS; anything else: the
    deadline), then newest first and by key, so that equal values keep one order from
    page to page."""
    sort = sort if sort in SORT_KEYS else DEFAULT_SORT
    field = F(sort.lstrip("-"))
    expression = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return queryset.order_by(expression, "-received_at", "-pk")


def default_queue(user) -> str:
    if permissions.is_registrar(user):
        return "unassigned"
    if permissions.is_executor(user):
        return "mine"
    return "unit"


# What a part of a registration number may hold: letters, digits, hyphens, slashes.
NUMBER_PART_RE = r"^[\w\-/№ ]*$"


def normalise_number(value) -> str:
    return (value or "").replace("№", "").strip().upper()


class DateFilter(django_filters.DateFilter):
    """A date typed as ДД.ММ.ГГГГ (ISO 8601 still accepted: the API, old links)."""

    field_class = DateField


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
    received_from = DateFilter(
        label=_("Received from"), field_name="received_at", method="filter_received_from"
    )
    received_to = DateFilter(
        label=_("Received to"), field_name="received_at", method="filter_received_to"
    )
    due_from = DateFilter(label=_("Deadline from"), field_name="due_date", lookup_expr="gte")
    due_to = DateFilter(label=_("Deadline to"), field_name="due_date", lookup_expr="lte")
    number = django_filters.CharFilter(
        label=_("Registration number"),
        field_name="registration_number",
        method="filter_number",
        max_length=32,
        validators=[
            RegexValidator(
                NUMBER_PART_RE,
                message=_("Type a number or a part of it: letters, digits, hyphens."),
            )
        ],
    )

    class Meta:
        model = Case
        fields = [
            "status", "regime", "channel", "topic", "urgency", "unit", "executor",
            "received_from", "received_to", "due_from", "due_to", "number",
        ]  # fmt: skip

    def filter_number(self, queryset, name, value):
        """Any part of the registration number («000029», «29», «ОБ-2026»): the numbers
        are written in capitals, so the part is compared in capitals (SQLite's
        case-insensitive LIKE knows only Latin letters)."""
        value = normalise_number(value)
        return queryset.filter(registration_number__contains=value) if value else queryset

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


def filter_queue(data, queryset, leave_out=()):
    """(filterset, filtered queryset) for the submitted `data`. A value that does not
    validate (a date typed wrong, a number with odd signs) is left out and its error is
    in `filterset.errors`, shown next to its field; the other filters still apply.
    `leave_out`: names of filters not to apply."""
    if leave_out and data:
        data = data.copy()
        for name in leave_out:
            data.pop(name, None)
    filterset = CaseFilter(data or None, queryset=queryset)
    if not filterset.is_bound:
        return filterset, queryset
    if filterset.is_valid():
        return filterset, filterset.qs
    valid = data.copy()
    for name in filterset.errors:
        valid.pop(name, None)
    kept = CaseFilter(valid, queryset=queryset)
    return filterset, kept.qs if kept.is_valid() else queryset


def number_search(filterset) -> str:
    """The part of a number searched for, when it is valid: such a search spans every
    case the user sees, not only the current queue (docs/queue.md)."""
    if not filterset.is_bound or "number" in filterset.errors:
        return ""
    return normalise_number(filterset.data.get("number"))


# --- the filter form of the queue page, rendered from plain lists -------------------------
#
# The page used to render ``CaseFilter.form`` widget by widget: every option of every
# select went through the form renderer's templates, and the unit and executor selects
# built a model instance per option (every active executor of the body). The controls
# below carry the same names, ids and labels, with their options already turned into
# HTML in one pass; CaseFilter still validates and applies what is submitted (a unit or
# an executor outside the list below is still accepted, and shown as selected).


def unit_scope(user) -> frozenset[int] | None:
    """The units whose people and cases the queue filters offer `user`: the units they
    head with every unit below, and their own unit; None (every unit) for registrars,
    who see the cases of the whole body."""
    if permissions.is_registrar(user):
        return None
    ids = set(permissions.headed_subtree_ids(user))
    unit_id = permissions.member_unit_id(user)
    if unit_id:
        ids.add(unit_id)
    return frozenset(ids)


def _full_name(last: str, first: str, patronymic: str, username: str) -> str:
    """User.get_full_name() from the columns, without building the user."""
    return " ".join(p for p in (last, first, patronymic) if p).strip() or username


def _options(choices, selected: set[str]) -> SafeString:
    """<option> elements for (value, label) pairs; `selected` holds the chosen values.
    Plain string work (every value and label escaped): a select may list hundreds."""
    html = []
    for value, label in choices:
        value = str(value)
        mark = " selected" if value in selected else ""
        html.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(html))


def unit_options(user, picked: str) -> list[tuple[int, str]]:
    """(pk, name) of the active units in the user's scope, in the units' order, with the
    picked unit when it lies outside it."""
    units = Unit.objects.active()
    scope = unit_scope(user)
    if scope is not None:
        condition = Q(pk__in=scope)
        if (pk := key_from(picked)) is not None:
            condition |= Q(pk=pk)
        units = units.filter(condition)
    return list(units.values_list("pk", "name"))


def executor_options(user, picked: str) -> list[tuple[str, list[tuple[int, str]]]]:
    """The executors the user may want to filter by, grouped by unit (short name): the
    staff of the units in the user's scope (see unit_scope), the user, and the picked
    executor, read in one query. A single group is returned with an empty name."""
    people = User.objects.filter(groups__name=roles.EXECUTORS, is_active=True)
    scope = unit_scope(user)
    if scope is not None:
        extra = {user.pk}
        if (pk := key_from(picked)) is not None:
            extra.add(pk)
        people = people.filter(Q(profile__unit_id__in=scope) | Q(pk__in=extra))
    rows = people.order_by(
        F("profile__unit__sort_order").asc(nulls_last=True),
        "profile__unit__name",
        "last_name",
        "first_name",
        "patronymic",
        "pk",
    ).values_list(
        "pk", "last_name", "first_name", "patronymic", "username", "profile__unit__short_name"
    )
    groups: dict[str | None, list[tuple[int, str]]] = {}
    for pk, last, first, patronymic, username, unit in rows:
        groups.setdefault(unit, []).append((pk, _full_name(last, first, patronymic, username)))
    if len(groups) == 1:
        return [("", next(iter(groups.values())))]
    return [(unit or str(_("No unit")), members) for unit, members in groups.items()]


def _grouped_options(groups, selected: set[str]) -> SafeString:
    if len(groups) <= 1:
        return _options(groups[0][1] if groups else [], selected)
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        ((name, _options(people, selected)) for name, people in groups),
    )


def filter_controls(filterset: CaseFilter, user) -> list[dict]:
    """The controls of the queue's filter form, in CaseFilter's order: name, id, label,
    kind ("select", "multiple", "date" or "text"), the submitted value and, for the
    selects, their <option> elements as HTML; a date's box is rendered by its widget
    (ДД.ММ.ГГГГ: intranet.forms.RussianDateInput), with the errors of what was typed."""
    data = filterset.data if filterset.is_bound else QueryDict()
    empty = [("", filters_settings.EMPTY_CHOICE_LABEL)]
    controls = []
    for name, field in filterset.base_filters.items():
        errors = list(filterset.errors.get(name, [])) if filterset.is_bound else []
        control = {
            "name": name,
            "id": f"id_{name}",
            "label": field.label,
            "value": "",
            "errors": errors,
            "error_id": f"id_{name}_error",
        }
        if isinstance(field, django_filters.MultipleChoiceFilter):
            picked = set(data.getlist(name))
            control.update(kind="multiple", options=_options(field.extra["choices"], picked))
        elif name in {"unit", "executor"} or "choices" in field.extra:
            value = str(data.get(name) or "")
            picked = {value}
            if name == "unit":
                options = _options(empty + unit_options(user, value), picked)
            elif name == "executor":
                groups = executor_options(user, value)
                options = _options(empty, picked) + _grouped_options(groups, picked)
            else:
                options = _options(empty + list(field.extra["choices"]), picked)
            control.update(kind="select", options=options)
        elif isinstance(field, DateFilter):
            value = str(data.get(name) or "")
            attrs = {"id": control["id"]}
            if errors:
                attrs.update({"aria-invalid": "true", "aria-describedby": control["error_id"]})
            widget = RussianDateInput().render(name, value or None, attrs=attrs)
            control.update(kind="date", value=value, widget=widget)
        else:
            control.update(kind="text", value=str(data.get(name) or ""))
        controls.append(control)
    return controls
