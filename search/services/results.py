"""What a search answers: the kinds of results, the filters, and the response's
dataclasses (hits, facets, the whole response)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

ARTICLE = "article"
TYPICAL_ANSWER = "typical_answer"
CASE = "case"
KINDS = [
    (ARTICLE, gettext_lazy("Articles")),
    (TYPICAL_ANSWER, gettext_lazy("Typical answers")),
    (CASE, gettext_lazy("Cases")),
]
KIND_LABELS = dict(KINDS)

# Case topics are codes (cases.topics); KB topics are rows with slugs. One facet value
# for both: the KB slug.
CASE_TOPIC_TO_KB = {
    "law": "anticorruption-law",
    "declarations": "declarations",
    "conflict": "conflict-of-interest",
    "sites": "internet-sites",
    "prohibitions": "prohibitions",
}
KB_TOPIC_TO_CASE = {slug: code for code, slug in CASE_TOPIC_TO_KB.items()}

FILTER_NAMES = ("topic", "unit", "status", "regime", "year")
CASE_ONLY_FILTERS = ("status", "regime")
GROUP_SIZE = 5  # hits per kind on the "all" tab
FACET_SAMPLE = 1000  # Elasticsearch: how many matches the facets are counted over
MAX_QUERY_LENGTH = 200
# Fewer matches than this with every word required, and any word will do; fewer with
# the query as typed, and its typos are looked for.
FEW_RESULTS = 3
ENGINE_DOWN_KEY = "search:engine-down:{}"


# ---------------------------------------------------------------------------- results


@dataclass
class Hit:
    kind: str
    pk: int
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    meta: dict = field(default_factory=dict)
    # Where a knowledge-base hit belongs (its section's unit, its first topic's slug):
    # what the editors' readout of searches is grouped by (`search.readout`).
    unit_id: int | None = None
    topic: str = ""
    # Set by the page view: the link through the counting redirect (`views.open_result`).
    open_url: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.pk,
            "title": self.title,
            "title_html": str(self.title_html),
            "url": self.url,
            "snippet": str(self.snippet),
            "meta": self.meta,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""  # set by the page view: this value toggled in the current URL


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResponse:
    query: str
    kind: str = ""
    page: int = 1
    per_page: int = 20
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    groups: dict[str, list[Hit]] = field(default_factory=dict)
    facets: list[Facet] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    backend: str = ""
    any_word: bool = False
    # The query the results are for when it is not the one typed (read in the Russian
    # keyboard layout, or its typos corrected because as typed it found nothing).
    corrected: str = ""
    # A correction of the query's typos offered when it found little: «Возможно, вы
    # имели в виду …».
    suggestion: str = ""
    # The kinds whose count reached the cap (`search.services.facets.count_cap`): their
    # count reads «более N» and their facets are those of the first N matches.
    capped: list[str] = field(default_factory=list)
    took_ms: int = 0

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "kind": self.kind,
            "page": self.page,
            "per_page": self.per_page,
            "num_pages": self.num_pages,
            "total": self.total,
            "counts": self.counts,
            "results": [hit.as_dict() for hit in self.hits],
            "groups": {kind: [hit.as_dict() for hit in hits] for kind, hits in self.groups.items()},
            "facets": [
                {
                    "name": facet.name,
                    "label": str(facet.label),
                    "values": [
                        {
                            "value": v.value,
                            "label": v.label,
                            "count": v.count,
                            "selected": v.selected,
                        }
                        for v in facet.values
                    ],
                }
                for facet in self.facets
            ],
            "filters": self.filters,
            "notices": self.notices,
            "backend": self.backend,
            "any_word": self.any_word,
            "corrected": self.corrected,
            "suggestion": self.suggestion,
            "capped": self.capped,
            "took_ms": self.took_ms,
        }
