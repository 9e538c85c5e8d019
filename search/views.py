"""The search page and its JSON twins; all of them call `search.services`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import services


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
            "url": _url(current, kind=""),
            "active": not result.kind,
        }
    ] + [
        {
            "kind": kind,
            "label": label,
            "count": result.counts.get(kind, 0),
            "url": _url(current, kind=kind),
            "active": result.kind == kind,
        }
        for kind, label in services.KINDS
        if request.user.is_authenticated or kind == services.ARTICLE
    ]
    groups = [
        {
            "kind": kind,
            "label": label,
            "hits": result.groups[kind],
            "url": _url(current, kind=kind),
            "count": result.counts.get(kind, 0),
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
