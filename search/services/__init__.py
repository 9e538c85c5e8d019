"""The one staff search over knowledge base articles, typical answers and cases.

Everything that searches goes through here: the /search/ page, the JSON API, the
typical answers offered on a case page and the home page. The rules:

- Permissions are part of the query given to the engine, never a filter applied after
  it: articles through ``ArticlePage.objects.visible_to`` minus the pages whose view
  restrictions the request does not pass (the per-request pattern of
  ``wagtail/api/querysets.py``; ``.public()`` would drop login-only pages); cases
  through ``cases.permissions.visibility_filter`` (see `search.models`). Totals and
  facet counts are computed from the same permission-filtered match, so a case the user
  may not open is never shown and never counted.
- Every hit is re-checked against the database before it is shown (an index can be
  stale).
- Russian morphology and synonyms: see `search.backends` and `search.synonyms`.
- If Elasticsearch fails, the same search runs on the database backend, with a notice.
- The cases of a very broad query are counted up to a cap (`search.services.facets`):
  the count then reads «более N» and the facets are counted over those N.

By concern:

- `search.services.results`: the kinds, the filters, the response's dataclasses;
- `search.services.visibility`: what a user may find (the permission conditions);
- `search.services.execution`: running a search on a backend, the fallback, suggestions
  and the typical answers for a case;
- `search.services.facets`: facet counts;
- `search.services.hits`: the hits shown, re-checked and highlighted.

The callers (views, template tags, other apps' views) import from here.
"""

from search.services.execution import (
    clean_query,
    engine_errors,
    search,
    suggest,
    typical_answers_for,
)
from search.services.hits import hit_for
from search.services.results import (
    ARTICLE,
    CASE,
    CASE_ONLY_FILTERS,
    CASE_TOPIC_TO_KB,
    FACET_SAMPLE,
    FILTER_NAMES,
    GROUP_SIZE,
    KB_TOPIC_TO_CASE,
    KIND_LABELS,
    KINDS,
    MAX_QUERY_LENGTH,
    TYPICAL_ANSWER,
    Facet,
    FacetValue,
    Hit,
    SearchResponse,
)
from search.services.visibility import visible_articles, visible_case_documents

__all__ = [
    "ARTICLE",
    "CASE",
    "CASE_ONLY_FILTERS",
    "CASE_TOPIC_TO_KB",
    "FACET_SAMPLE",
    "FILTER_NAMES",
    "GROUP_SIZE",
    "KB_TOPIC_TO_CASE",
    "KINDS",
    "KIND_LABELS",
    "MAX_QUERY_LENGTH",
    "TYPICAL_ANSWER",
    "Facet",
    "FacetValue",
    "Hit",
    "SearchResponse",
    "clean_query",
    "engine_errors",
    "hit_for",
    "search",
    "suggest",
    "typical_answers_for",
    "visible_articles",
    "visible_case_documents",
]
