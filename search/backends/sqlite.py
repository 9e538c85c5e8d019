"""modelsearch's SQLite FTS5 backend with Russian morphology.

FTS5 has no Russian stemmer, so the stems are made in Python (Snowball, PyStemmer) on
both sides: the title and body written into the index are strings of stems, and every
word of a query is stemmed (stop words dropped) before it reaches ``MATCH``. The
autocomplete column keeps the words as written: prefixes of titles are matched as typed.
The text is cut to the document budget first (`search.limits`, as on PostgreSQL, so a
document is searchable by the same words on either database), and one object the
database refuses is recorded and skipped (`search.failures.add_each`).
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import F
from modelsearch.backends.database.sqlite.query import BM25, SearchQueryExpression
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    Lexeme,
    ObjectIndexer,
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.index import SearchField
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search import acts, fields, limits
from search.backends.indexing import OneWalkMixin
from search.stemming import query_stems, stem_text

# BM25 weights of the FTS5 table's columns (autocomplete, body, title): a title match
# counts several times a body match (search.fields).
COLUMN_WEIGHTS = (0.0, 1.0, 6.0)


class StemmingObjectIndexer(OneWalkMixin, ObjectIndexer):
    @cached_property
    def title(self):
        return stem_text(limits.cut(self.title_words, limits.document_max_bytes()))

    @cached_property
    def title_words(self):
        """The title as written (what modelsearch's `title` gives, which this
        class's `title` replaces with its stems)."""
        return " ".join(
            value
            for field in self.search_fields
            for current, value in self.prepare_field(self.obj, field)
            if isinstance(current, SearchField) and current.field_name == "title"
        )

    @cached_property
    def body(self):
        """The body column: each field's text as many times as its class says
        (search.fields), then the terms of the legal acts the document refers to
        (search.acts), all cut to the document budget and stemmed."""
        texts = []
        for field in self.search_fields:
            for current, value in self.prepare_field(self.obj, field):
                if isinstance(current, SearchField) and current.field_name != "title":
                    repeats = fields.SQLITE_REPEATS[fields.class_of(current.field_name)]
                    texts.extend([value] * repeats)
        text = limits.cut(" ".join(texts), limits.document_max_bytes())
        found = acts.terms(f"{self.title_words} {text}")
        return stem_text(text + " " + " ".join(found * 2) if found else text)


class WeightedBM25(BM25):
    """FTS5's bm25() with the column weights of COLUMN_WEIGHTS."""

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        weights = ", ".join(str(weight) for weight in COLUMN_WEIGHTS)
        return sql[:-1] + f", {weights})", params


class StemmingSQLiteIndex(SQLiteIndex):
    indexer_class = StemmingObjectIndexer

    def add_items(self, model, objs):
        from search import failures

        failures.add_each(self, model, objs, self.write_items)

    def write_items(self, model, objs):
        # modelsearch's add_items with our indexer (the original names its class inline).
        if not model.get_search_fields():
            return
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {
            indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers
        }
        entries = self.entries.filter(content_type_id=content_type_pk)
        existing = frozenset(
            entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True)
        )
        for object_id in existing:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(
                title=title, autocomplete=autocomplete, body=body
            )
        self.entries.bulk_create(
            [
                IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=object_id,
                    title=title,
                    autocomplete=autocomplete,
                    body=body,
                )
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in existing
            ]
        )
        # modelsearch refreshes the entries' title norms here; this backend's rank does
        # not use them (`StemmingSQLiteSearchQueryCompiler.get_index_vectors`).


class MatchesMixin:
    def matches(self, backend):
        """Every match, unranked and unsliced, as a queryset of the model (for totals
        and facets: `search.services.execution`)."""
        return self.search(self.get_config(backend), None, None)


class StemmingSQLiteSearchQueryCompiler(MatchesMixin, SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            stems = query_stems(query.query_string)
            if not stems:
                return None
            lexemes = Lexeme(stems[-1], prefix=self.LAST_TERM_IS_PREFIX)
            for term in stems[:-1]:
                if query.operator.upper() == "AND":
                    lexemes &= Lexeme(term)
                else:
                    lexemes |= Lexeme(term)
            return SearchQueryExpression(lexemes, config=config)
        if isinstance(query, Phrase):
            return SearchQueryExpression(stem_text(query.query_string))
        return super().build_search_query_content(query, config=config)

    def get_index_vectors(self):
        # One vector: the rank is one BM25 over the whole entry, its columns weighted
        # (modelsearch adds a rank of the title, times its norm, to one of the body).
        return [(F("index_entry__body"), 1.0)]

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        # One BM25 over the whole match, whatever the shape of the query: modelsearch
        # multiplies one per part of an And, which misorders BM25's negative scores.
        return WeightedBM25()


class StemmingSQLiteAutocompleteQueryCompiler(MatchesMixin, SQLiteAutocompleteQueryCompiler):
    pass


class StemmingSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = StemmingSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = StemmingSQLiteAutocompleteQueryCompiler
    index_class = StemmingSQLiteIndex


SearchBackend = StemmingSQLiteSearchBackend
