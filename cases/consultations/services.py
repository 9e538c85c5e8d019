"""Who logs and sees consultations; KB suggestions for the question being typed."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases import permissions
from cases.consultations.models import Consultation


def can_log(user) -> bool:
    """Registrars, executors and heads take the consultation line."""
    return user.is_authenticated and permissions.can_use_workspace(user)


def visible_to(user) -> QuerySet:
    """A head sees the consultations of the units they head (and below); registrars and
    executors those of their own unit and the ones they recorded themselves."""
    if not can_log(user):
        return Consultation.objects.none()
    condition = Q(recorded_by=user)
    unit_id = permissions.member_unit_id(user)
    if unit_id:
        condition |= Q(unit_id=unit_id)
    headed = permissions.headed_subtree_ids(user)
    if headed:
        condition |= Q(unit_id__in=headed)
    return Consultation.objects.filter(condition).select_related(
        "recorded_by", "redirected_to", "client", "unit"
    )


def record(form, by) -> Consultation:
    consultation = form.save(commit=False)
    consultation.recorded_by = by
    unit_id = permissions.member_unit_id(by)
    consultation.unit_id = unit_id or None
    consultation.save()
    return consultation


def suggestions(user, text: str, *, limit: int = 6, request=None) -> list[dict]:
    """Knowledge base articles and typical answers for a question as it is typed, from
    the one staff search (its permissions included): any word may match."""
    from search import services as search

    text = (text or "").strip()
    if len(text) < 3:
        return []
    found = []
    for kind in (search.TYPICAL_ANSWER, search.ARTICLE):
        result = search.search(user, text, kind=kind, per_page=limit, request=request)
        found += [
            {"title": hit.title, "url": hit.url, "kind": str(search.KIND_LABELS[kind])}
            for hit in result.hits
        ]
    return found[:limit]
