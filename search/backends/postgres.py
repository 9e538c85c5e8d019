"""modelsearch's PostgreSQL full-text backend, ranking a page of results in two steps.

modelsearch sorts whole rows by rank before it takes the page, so a query matching tens
of thousands of rows sorts them all, wide columns included, on disk. Here the sort
carries only the primary key and the rank; the rows of the page are fetched after."""

from __future__ import annotations

from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.query import Fuzzy, MatchAll, Not

RANK = "_staffsearch_rank"


class RankedPageMixin:
    def search(self, config, start, stop, score_field=None, backend=None):
        if (
            stop is None
            or not self.order_by_relevance
            or isinstance(self.query, MatchAll | Not | Fuzzy)
        ):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        full = self.queryset
        rank = score_field or RANK
        page = super().search(config, start, stop, score_field=rank, backend=backend)
        rows = list(page.values_list("pk", rank))
        objects = full.order_by().in_bulk([pk for pk, _score in rows])
        result = []
        for pk, score in rows:
            obj = objects.get(pk)
            if obj is None:
                continue
            if score_field:
                setattr(obj, score_field, score)
            result.append(obj)
        return result


class RankedPostgresSearchQueryCompiler(RankedPageMixin, PostgresSearchQueryCompiler):
    pass


class RankedPostgresAutocompleteQueryCompiler(RankedPageMixin, PostgresAutocompleteQueryCompiler):
    pass


class RankedPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = RankedPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = RankedPostgresAutocompleteQueryCompiler


SearchBackend = RankedPostgresSearchBackend
