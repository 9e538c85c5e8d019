"""The search page and its JSON twins; all of them call `search.services`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.formatting import number
from intranet.models import Unit
from kb.audience import sees_typical_answers
from search import readout, services

# The readout's columns, each a sort order (`search.readout.SORTS`).
READOUT_COLUMNS = [
    ("searches", _("Searches")),
    ("empty", _("Found nothing")),
    ("unopened", _("Nothing opened")),
    ("opened", _("Results opened")),
    ("last_seen", _("Last searched")),
]


def _params(request) -> dict:
    page = request.GET.get("page", "1")
    return {
        "query": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""),
        "filters": {name: request.GET.get(name, "") for name in services.FILTER_NAMES},
        "page": min(int(page), 10_000) if page.isdecimal() and len(page) <= 6 else 1,
    }


def _audit_confidential_hits(request, result) -> None:
    """A hit of a confidential case shows a snippet of its text: recorded in the audit
    log as a read of the case (as the case page does), once per case shown. Titles
    alone (the suggestions) are not reads of the text, as in the lists of the desk."""
    shown = [*result.hits, *result.groups.get(services.CASE, [])]
    keys = {hit.pk for hit in shown if hit.kind == services.CASE and hit.meta.get("confidential")}
    if not keys:
        return
    from cases.models import Case
    from intranet import audit

    for case in Case.objects.filter(pk__in=keys).order_by("pk"):
        audit.record_confidential_read(request, case, via="search")


def _record(request, params: dict, result) -> None:
    """Count the search for the editors' readout (`search.readout`) and send the result
    links through the counting redirect. A search is counted once: on its first page of
    all kinds (a tab or a further page of the same search is not counted again; a
    filter chosen is another search, counted with its topic and unit)."""
    shown = [*result.hits, *(hit for hits in result.groups.values() for hit in hits)]
    for hit in shown:
        hit.open_url = (
            reverse("search:open", args=[hit.kind, hit.pk]) + "?" + urlencode({"q": result.query})
        )
    if not result.query or params["page"] != 1 or request.GET.get("kind"):
        return
    # The topic and unit: those the search was narrowed to, else the best knowledge-base
    # hit's (the unit owning its section).
    best = next(
        (hit for hit in shown if hit.kind in (services.ARTICLE, services.TYPICAL_ANSWER)), None
    )
    # A topic typed into the address that is not one of the topics is not recorded.
    topic = result.filters.get("topic", "")
    topic = topic if topic in services.KB_TOPIC_TO_CASE else (best.topic if best else "")
    unit_id = best.unit_id if best else None
    unit = result.filters.get("unit", "")
    if unit:
        unit_id = int(unit) if Unit.objects.filter(pk=int(unit)).exists() else None
    readout.record_search(
        result.query, found=sum(result.counts.values()), topic=topic, unit_id=unit_id
    )


def count_label(count: int, capped: bool) -> str:
    """A count as shown on the search page: «12 500», or «более 5000» when the search
    stopped counting there (`search.services.facets.count_cap`)."""
    if capped:
        return _("more than %(count)s") % {"count": number(count)}
    return number(count)


def _url(base: dict, **changes) -> str:
    params = {**base, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


@login_not_required
@require_GET
def search_page(request):
    """The search page. Anonymous visitors may use it too: they search the public
    articles only (`search.services.search`)."""
    params = _params(request)
    result = services.search(request.user, request=request, **params)
    _audit_confidential_hits(request, result)
    _record(request, params, result)
    current = {"q": result.query, "kind": result.kind, **result.filters}
    for facet in result.facets:
        for value in facet.values:
            if facet.name == "kind":
                value.url = _url(current, kind="" if value.selected else value.value, page="")
            else:
                value.url = _url(
                    current, **{facet.name: "" if value.selected else value.value}, page=""
                )
    tabs = [
        {
            "kind": "",
            "label": None,
            "count": sum(result.counts.values()),
            "count_label": count_label(sum(result.counts.values()), bool(result.capped)),
            "url": _url(current, kind=""),
            "active": not result.kind,
        }
    ] + [
        {
            "kind": kind,
            "label": label,
            "count": result.counts.get(kind, 0),
            "count_label": count_label(result.counts.get(kind, 0), kind in result.capped),
            "url": _url(current, kind=kind),
            "active": result.kind == kind,
        }
        for kind, label in services.KINDS
        if (request.user.is_authenticated or kind == services.ARTICLE)
        # Typical answers are for staff (kb.audience): no tab for an internal client.
        and (kind != services.TYPICAL_ANSWER or sees_typical_answers(request.user))
    ]
    groups = [
        {
            "kind": kind,
            "label": label,
            "hits": result.groups[kind],
            "url": _url(current, kind=kind),
            "count": result.counts.get(kind, 0),
            "count_label": count_label(result.counts.get(kind, 0), kind in result.capped),
        }
        for kind, label in services.KINDS
        if result.groups.get(kind)
    ]
    context = {
        "result": result,
        "tabs": tabs,
        "groups": groups,
        "facets": [facet for facet in result.facets if facet.name != "kind" and facet.values],
        "reset_url": _url({"q": result.query}),
        # The shown tab's count when the search stopped counting («более N»).
        "total_capped": (result.kind in result.capped) if result.kind else bool(result.capped),
        "total_label": count_label(result.total, bool(result.capped)),
        "capped_cases": number(result.counts.get(services.CASE, 0))
        if services.CASE in result.capped
        else "",
        # «Возможно, вы имели в виду …»: the query with its typos corrected.
        "suggestion_url": _url(current, q=result.suggestion, page="") if result.suggestion else "",
        "previous_url": _url(current, page=result.page - 1) if result.has_previous else "",
        "next_url": _url(current, page=result.page + 1) if result.has_next else "",
    }
    return render(request, "search/search_page.html", context)


def _unauthorised():
    return JsonResponse({"detail": "Authentication required."}, status=401)


@require_GET
def search_api(request):
    """GET ?q=&kind=&topic=&unit=&status=&regime=&year=&page=&per_page= → JSON."""
    if not request.user.is_authenticated:
        return _unauthorised()
    params = _params(request)
    per_page = request.GET.get("per_page", "")
    result = services.search(
        request.user,
        request=request,
        per_page=min(int(per_page), 100)
        if per_page.isdecimal() and len(per_page) <= 6 and int(per_page)
        else None,
        **params,
    )
    _audit_confidential_hits(request, result)
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})


@require_GET
def suggest_api(request):
    """GET ?q= → titles starting with what was typed, among what the user may open."""
    if not request.user.is_authenticated:
        return _unauthorised()
    items = services.suggest(request.user, request.GET.get("q", ""), request=request)
    return JsonResponse({"results": items}, json_dumps_params={"ensure_ascii": False})


@login_not_required
@never_cache
@require_GET
def open_result(request, kind: str, pk: int):
    """A result link of the search page: counts the opening for the readout and sends
    the user on to the result. Only what the user may open, and only the result's own
    address (computed here, never taken from the request): no hidden hit is revealed,
    and the redirect cannot be aimed elsewhere."""
    hit = services.hit_for(request.user, kind, pk, request=request)
    if hit is None or not hit.url:
        raise Http404
    if not url_has_allowed_host_and_scheme(
        hit.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        raise Http404
    readout.record_click(
        request.GET.get("q", ""), page_id=None if kind == services.CASE else hit.pk
    )
    return HttpResponseRedirect(hit.url)


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


@login_required
@require_GET
def readout_page(request):
    """Searches that found nothing or where nothing was opened, and the results opened,
    for the editors and heads of units (their units' rows) and administrators (all)."""
    units = readout.readable_units(request.user)
    if units == []:
        raise PermissionDenied
    period = request.GET.get("days", "")
    days = int(period) if period.isdecimal() and int(period) in readout.PERIODS else 0
    days = days or readout.DEFAULT_PERIOD
    sort = _choice(request.GET.get("sort", ""), readout.SORTS) or "searches"
    unit = request.GET.get("unit", "")
    unit_id = int(unit) if unit.isdecimal() and len(unit) <= 9 else None
    data = readout.readout(
        request.user,
        days=days,
        topic=request.GET.get("topic", "")[:64],
        unit_id=unit_id,
        sort=sort,
    )
    current = {
        "days": days,
        "topic": request.GET.get("topic", "")[:64],
        "unit": unit_id or "",
    }
    context = {
        "data": data,
        "days": days,
        "periods": readout.PERIODS,
        "sort": sort,
        "current": current,
        "columns": [
            {"key": key, "label": label, "url": _url(current, sort=key), "active": key == sort}
            for key, label in READOUT_COLUMNS
        ],
        "all_units": units is None,
    }
    return render(request, "search/readout.html", context)
