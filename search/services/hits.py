"""The hits shown: each key the engine found re-checked against the database (an index
can be stale) and turned into a `Hit` with its highlighted title and snippet."""

from __future__ import annotations

from search import highlight, limits
from search.models import VECTOR_FIELDS
from search.services.results import ARTICLE, CASE, KIND_LABELS, TYPICAL_ANSWER, Hit
from search.services.visibility import visible_articles


def _article_text(article) -> str:
    """What a snippet of an article is cut from: its summary, body and typical answer
    text. The body's plain text is kept on the article (`ArticlePage.body_text`); an
    article saved before it was (NULL) has its StreamField read here."""
    body = article.body_text
    if body is None:
        body = article.plain_body()
    text = " ".join(part for part in (article.summary, body, article.answer_text) if part)
    # Only what was indexed (search.limits): where a match can be, and never a scan of a
    # page of megabytes.
    return limits.cut(text, limits.document_max_bytes())


def hit_for(user, kind: str, pk: int, request=None) -> Hit | None:
    """The hit of `kind` and key `pk` if the user may open it (as the results page would
    show it), else None. Anonymous visitors open public articles only, as they search."""
    if kind not in KIND_LABELS or (not user.is_authenticated and kind != ARTICLE):
        return None
    hits = _hits(kind, [pk], user, request, set())
    if not hits:
        return None
    hit = hits[0]
    if kind != CASE:  # an article is opened as an article, a typical answer as one
        hit.kind = TYPICAL_ANSWER if hit.meta.get("kind") == "typical_answer" else ARTICLE
        if hit.kind != kind:
            return None
    return hit


def _hits(kind, ids, user, request, stems, articles=None) -> list[Hit]:
    """Hits for the keys `ids` of `kind` in their order, each re-checked against the
    database. `articles`: a callable giving `visible_articles(user, request)`."""
    if not ids:
        return []
    if kind == CASE:
        return _case_hits(ids, user, stems)
    by_key = _article_hits(ids, user, request, stems, articles)
    hits = [by_key[pk] for pk in ids if pk in by_key]
    for hit in hits:
        hit.kind = kind
    return hits


def _article_hits(ids, user, request, stems, articles=None) -> dict[int, Hit]:
    """{key: hit} of the articles of `ids` the user may open (re-checked here)."""
    if not ids:
        return {}
    visible = {
        page.pk: page
        for page in (articles() if articles else visible_articles(user, request))
        .filter(pk__in=ids)
        .defer("body")  # the snippet reads body_text
        .select_related("owner_unit")
        .prefetch_related("topics")
    }
    hits = {}
    for pk in ids:
        article = visible.get(pk)
        if article is None:
            continue
        hits[pk] = Hit(
            kind=TYPICAL_ANSWER if article.kind == "typical_answer" else ARTICLE,
            pk=pk,
            title=article.title,
            title_html=highlight.highlight(article.title, stems),
            url=article.get_url(request) or article.url or "",
            snippet=highlight.snippet(_article_text(article), stems),
            meta={
                "kind": article.kind,
                "kind_label": str(article.get_kind_display()),
                "answer_code": article.answer_code or "",
                "unit": article.owner_unit.short_name if article.owner_unit else "",
                "topics": [topic.name for topic in article.topics.all()],
                "date": article.last_published_at.date().isoformat()
                if article.last_published_at
                else "",
                "audience": article.audience,
            },
            unit_id=article.owner_unit_id,
            topic=next((topic.slug for topic in article.topics.all()), ""),
        )
    return hits


def _case_hits(ids, user, stems) -> list[Hit]:
    from django.db.models import BooleanField, ExpressionWrapper, Value

    from cases.models import Case
    from cases.permissions import visibility_filter

    if not ids:
        return []
    # Whether the user sees the case as staff (not merely as its client): the staff
    # page, not the client's.
    staff = visibility_filter(user, own=False)
    handled = (
        ExpressionWrapper(staff, output_field=BooleanField())
        if staff is not None
        else Value(False, output_field=BooleanField())
    )
    cases = {
        case.pk: case
        for case in Case.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("unit", "search_document")
        # The document's text for the snippet, not its vectors (search.models).
        .defer(*(f"search_document__{name}" for name in VECTOR_FIELDS))
        .annotate(staffsearch_handled=handled)
    }
    staff_ids = {pk for pk, case in cases.items() if case.staffsearch_handled}
    hits = []
    for pk in ids:
        case = cases.get(pk)
        if case is None:
            continue
        document = getattr(case, "search_document", None)
        # The snippet comes from what was indexed (search.limits: at most 256 KB of the
        # text, comments and answers), where the match is: never a scan of a whole
        # message that may be megabytes long.
        if document is not None:
            source = (document.text, document.answers)
        else:  # indexed since, by a document that is gone now
            source = limits.fit([case.text, case.client_comments], limits.document_max_bytes())
        hits.append(
            Hit(
                kind=CASE,
                pk=pk,
                title=case.subject,
                title_html=highlight.highlight(case.subject, stems),
                url=case.get_absolute_url() if pk in staff_ids else case.get_client_url(),
                snippet=highlight.snippet(" ".join(p for p in source if p), stems),
                meta={
                    "registration_number": case.registration_number or "",
                    "status": case.status,
                    "status_label": str(case.get_status_display()),
                    "regime_label": str(case.get_regime_display()),
                    "unit": case.unit.short_name if case.unit else "",
                    "date": case.received_at.date().isoformat(),
                    "confidential": case.is_confidential,
                },
            )
        )
    return hits
