"""Who may find what: the permission conditions a search hands to the engine inside its
query (never a filter applied after it)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Model, Q, QuerySet


def _request_for(user, request=None):
    # PageViewRestriction.accept_request reads the user and, for passwords, the session.
    return request if request is not None else SimpleNamespace(user=user, session={})


def visible_articles(user, request=None) -> QuerySet:
    """Live KB articles the user may open, as a queryset the search engine can filter
    on: the KB's own rule, minus pages behind a view restriction the request does not
    pass (and their descendants)."""
    from wagtail.models import PageViewRestriction

    from kb.models import ArticlePage

    queryset = ArticlePage.objects.visible_to(user)
    request = _request_for(user, request)
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def _key_of(row):
    """The value a row of a sub-queryset stands for in a condition: a model's key, the
    single column of a values() or values_list() row, or a flat value."""
    if isinstance(row, Model):
        return row.pk
    if isinstance(row, dict):
        (value,) = row.values()
        return value
    if isinstance(row, tuple):
        return row[0]
    return row


def _materialise(condition: Q) -> Q:
    """A copy of `condition` with sub-querysets and sets turned into lists (an external
    engine cannot run a SQL subquery, and its JSON has no sets)."""
    clone = Q()
    clone.connector, clone.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            clone.children.append(_materialise(child))
        else:
            key, value = child
            if isinstance(value, QuerySet):
                value = [_key_of(row) for row in value]
            elif isinstance(value, set | frozenset | tuple):
                value = sorted(value)
            clone.children.append((key, value))
    return clone


def visible_case_documents(user, *, external_engine: bool = False) -> QuerySet:
    """Case search documents of the cases the user may open (cases.permissions).

    The cases app's own Q object, applied to the document's copies of the columns it
    reads (client, executor, unit, confidentiality; co-executors through the live
    co-executor table), so the condition sits on the same row as the text vector and
    the facet columns: no join to the case table per match (at 100,000 cases that join
    alone cost more than the search). The copies follow the case after its transaction
    commits (`search.signals`); every hit is re-checked against the live case table
    before it is shown (`_case_hits`).

    The condition's sub-queries (the cases the user co-executes) are read first and
    sent as lists: an external engine cannot run a subquery, and on PostgreSQL a list
    leaves the planner free to combine the indexes on client, executor and key with
    the text index (a sub-query in the OR makes it read every text match first). So
    `external_engine` no longer changes the result; it is kept for the callers."""
    from cases.permissions import visibility_filter
    from search.models import CaseDocument

    condition = visibility_filter(user)
    if condition is None:
        return CaseDocument.objects.none()
    return CaseDocument.objects.filter(_materialise(condition))
