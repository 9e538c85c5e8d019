"""The editors' readout of searches (issue 21 part 4): which queries find nothing, which
find results nobody opens, and which results are opened for which query — so that the
knowledge base gets the articles people look for.

Recorded from the search page only (`search.views`), aggregated from the start:

- one row per day, normalised query, topic and unit (`QueryStat`): one UPDATE per
  search (an INSERT the first time that day); no user, no session, no raw log;
- one row per day, query and opened knowledge-base result (`ResultClick`), counted by
  the redirect the result links go through (`views.open_result`), which opens only
  what the user may open and only the result's own URL.

Personal data: the query is normalised (lower case, ё = е, spaces collapsed) and
e-mail addresses, telephone numbers and numbers of more than four digits (personal,
registration and passport numbers, SNILS, INN) are replaced by «…»; a query left with
no word is not recorded. Act numbers («указ 559», «273-ФЗ») and years are kept.

Who reads what: administrators everything; the editors and heads of a unit the rows
of their unit (the unit of the best knowledge-base hit or the one the search was
narrowed to), the rows of topics routed to their unit (cases.TopicRoute) that no unit
could be inferred for, and the rows with neither topic nor unit (a search that found
nothing and was not narrowed belongs to no one, and any unit may write its answer)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone

from cases.models import TopicRoute
from intranet import roles
from intranet.models import Unit
from kb.models import Topic
from kb.ownership import units_of
from search.models import QueryStat, ResultClick
from search.services import CASE_TOPIC_TO_KB, visible_articles

MAX_LENGTH = 200
PLACEHOLDER = "…"
EMAIL_RE = re.compile(r"\S+@\S+")
# Seven or more digits with the separators of a telephone number between them.
PHONE_RE = re.compile(r"\+?\d[\d\s()\-.]{5,}\d")
LONG_NUMBER_RE = re.compile(r"\d{5,}")
SPACES_RE = re.compile(r"\s+")
WORD_RE = re.compile(r"[^\W\d_]", re.UNICODE)

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
ROW_LIMIT = 200  # queries shown per table
SORTS = ("searches", "empty", "unopened", "opened", "last_seen")


def _phone_digits(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return f" {PLACEHOLDER} " if digits >= 7 else match.group(0)


def normalise(query: str | None) -> str:
    """The query as the readout keeps it, or "" when there is nothing left to keep."""
    text = (query or "")[: MAX_LENGTH * 2].lower().replace("ё", "е")
    text = EMAIL_RE.sub(f" {PLACEHOLDER} ", text)
    text = PHONE_RE.sub(_phone_digits, text)
    text = LONG_NUMBER_RE.sub(f" {PLACEHOLDER} ", text)
    text = SPACES_RE.sub(" ", text).strip()
    # Placeholders next to each other are one.
    while f"{PLACEHOLDER} {PLACEHOLDER}" in text:
        text = text.replace(f"{PLACEHOLDER} {PLACEHOLDER}", PLACEHOLDER)
    if not WORD_RE.search(text):
        return ""
    return text[:MAX_LENGTH]


def _upsert(model, key: dict, changes: dict, create: dict) -> None:
    """UPDATE the row of `key` with `changes`; INSERT it with `create` if there is none
    (and UPDATE again if another request inserted it meanwhile)."""
    if model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **create)
    except IntegrityError:
        model.objects.filter(**key).update(**changes)


def record_search(query: str, *, found: int, topic: str = "", unit_id: int | None = None):
    """Count one search of `query` that found `found` results."""
    text = normalise(query)
    if not text:
        return
    now = timezone.now()
    empty = 0 if found else 1
    _upsert(
        QueryStat,
        {"day": timezone.localdate(now), "query": text, "topic": topic[:64], "unit_id": unit_id},
        {"searches": F("searches") + 1, "empty": F("empty") + empty, "last_seen": now},
        {"searches": 1, "empty": empty, "last_seen": now},
    )


def record_click(query: str, *, page_id: int | None) -> None:
    """Count one opening of a result of `query`: on the query's latest row of the day,
    and for a knowledge-base result (`page_id`) on the result's own row."""
    text = normalise(query)
    if not text:
        return
    today = timezone.localdate()
    latest = QueryStat.objects.filter(day=today, query=text).order_by("-last_seen").values("pk")
    QueryStat.objects.filter(pk__in=latest[:1]).update(opened=F("opened") + 1)
    if page_id is not None:
        _upsert(
            ResultClick,
            {"day": today, "query": text, "page_id": page_id},
            {"clicks": F("clicks") + 1},
            {"clicks": 1},
        )


# ---------------------------------------------------------------------------- reading


def is_administrator(user) -> bool:
    return user.is_superuser or user.has_role(roles.ADMINISTRATORS)


def readable_units(user) -> list[Unit] | None:
    """The units whose rows `user` reads; None for all of them (administrators); an
    empty list for someone who may not open the readout."""
    if not user.is_authenticated:
        return []
    if is_administrator(user):
        return None
    return units_of(user)


def _scope(units: list[Unit] | None) -> Q:
    if units is None:
        return Q()
    unit_ids = [unit.pk for unit in units]
    routed = [
        CASE_TOPIC_TO_KB.get(code, code)
        for code in TopicRoute.objects.filter(unit_id__in=unit_ids).values_list("topic", flat=True)
    ]
    return (
        Q(unit_id__in=unit_ids)
        | Q(unit__isnull=True, topic__in=routed)
        | Q(unit__isnull=True, topic="")
    )


@dataclass
class Row:
    query: str
    searches: int
    empty: int
    opened: int
    last_seen: dt.datetime

    @property
    def unopened(self) -> int:
        """Searches that found something, less the results opened (at least 0)."""
        return max(0, self.searches - self.empty - self.opened)


@dataclass
class Opened:
    query: str
    title: str
    url: str
    clicks: int


@dataclass
class Readout:
    rows: list[Row]
    opened: list[Opened]
    topics: list[tuple[str, str]]
    units: list[Unit]


def readout(
    user, *, days: int, topic: str = "", unit_id: int | None = None, sort: str = ""
) -> Readout:
    """What `user` reads: per normalised query over the last `days` days, the searches,
    those that found nothing and the results opened; and the results opened most."""
    units = readable_units(user)
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    stats = QueryStat.objects.filter(_scope(units), day__gte=since)
    if topic:
        stats = stats.filter(topic=topic)
    if unit_id is not None:
        stats = stats.filter(unit_id=unit_id)
    grouped = stats.values("query").annotate(
        n_searches=Sum("searches"),
        n_empty=Sum("empty"),
        n_opened=Sum("opened"),
        seen=Max("last_seen"),
    )
    sort = sort if sort in SORTS else "searches"
    order = {
        "searches": ["-n_searches", "query"],
        "empty": ["-n_empty", "-n_searches", "query"],
        "opened": ["-n_opened", "-n_searches", "query"],
        "last_seen": ["-seen", "query"],
    }.get(sort)
    if order:
        grouped = grouped.order_by(*order)[:ROW_LIMIT]
    else:  # «unopened» is computed: sorted here among the most searched
        grouped = grouped.order_by("-n_searches", "query")[: ROW_LIMIT * 5]
    rows = [
        Row(r["query"], r["n_searches"], r["n_empty"], r["n_opened"], r["seen"]) for r in grouped
    ]
    if not order:
        rows = sorted(rows, key=lambda r: (-r.unopened, -r.searches, r.query))[:ROW_LIMIT]

    # Opened results: counted per query on the rows the user reads, named only when the
    # user may open the article (the readout shows no more than the search would).
    queries = stats.values("query")
    clicks = (
        ResultClick.objects.filter(day__gte=since, query__in=queries)
        .values("query", "page_id")
        .annotate(n=Sum("clicks"))
        .order_by("-n", "query", "page_id")[:ROW_LIMIT]
    )
    clicks = list(clicks)
    pages = {
        page.pk: page
        for page in visible_articles(user).filter(pk__in={c["page_id"] for c in clicks})
    }
    opened = [
        Opened(c["query"], pages[c["page_id"]].title, pages[c["page_id"]].url or "", c["n"])
        for c in clicks
        if c["page_id"] in pages
    ]
    topics = list(Topic.objects.order_by("sort_order", "name").values_list("slug", "name"))
    choices = list(Unit.objects.order_by("short_name")) if units is None else units
    return Readout(rows=rows, opened=opened, topics=topics, units=choices)
