"""modelsearch's PostgreSQL full-text backend, made to hold at 100,000 cases.

What it changes (`bench/README.md` has the measurements behind each point):

- Cases are searched on their own rows: the vector fields of the search document
  (``search_vector``, ``title_vector``, ``autocomplete_vector``: `GeneratedField`s with
  GIN indexes declared in `search.models`), not modelsearch's generic index table, which keeps
  wide rows joined on ``object_id = pk::varchar``. Case documents are therefore not
  written to that table on PostgreSQL.
- Pages are still written to modelsearch's table (left as modelsearch made it), and
  their vectors are copied in the same statement into this app's `PageVectors`, where
  they are matched and ranked (stored in the row, uncompressed: ranking thousands of
  matching articles reads no compressed TOAST chunks). An entry's body vector holds the
  whole document, title included (weight A), so that one GIN index finds every match.
- Results whose title matches come first, each part by rank (`ts_rank_cd` over the
  weighted vector, divided by the length: `search.fields`). With the field weights in
  use that is the order ranking gives anyway, but it lets a page of results be ranked
  among the title matches only, instead of ranking every match of a common word
  (thousands of rows, each vector read and scored) to keep five.
- A page is ranked on keys only (no sort of wide rows); its rows are fetched after.
- Pages are written to modelsearch's table with their text fitted to the document budget
  (`search.limits`: PostgreSQL refuses a tsvector over 1 MB), and one page the database
  refuses anyway is recorded and skipped (`search.failures.add_each`), never failing
  the save of the page or a rebuild by `update_index`.
"""

from __future__ import annotations

import re
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Case, F, Func, IntegerField, Value, When
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.index import SearchField
from modelsearch.query import And, Fuzzy, MatchAll, Not, Or, PlainText
from modelsearch.utils import get_content_type_pk

from search import acts, fields, limits
from search.backends.indexing import OneWalkMixin
from search.models import CASE_AUTOCOMPLETE_CONFIG, CASE_SEARCH_CONFIG, CaseDocument, PageVectors

RANK = "_staffsearch_rank"
TITLE_FIRST = "_staffsearch_title_first"
VECTOR = "_staffsearch_vector"
TITLE_VECTOR = "_staffsearch_title_vector"
ENTRY = "_staffsearch_entry"
# The key column of the rank statement of `match_and_rank_sql` (what ENTRY joins on).
RANK_KEY = "_staffsearch_key"
# Up to this many matches (when the caller says how many there are), every match is
# ranked in one query; above it, a page is first looked for among the title matches.
RANK_ALL_UP_TO = 300
# ts_rank_cd's normalisation: the rank divided by 1 + the logarithm of the document's
# length (1), so the short article that answers outranks the long procedure that
# mentions the words (search.fields has the weights of the fields).
RANK_NORMALIZATION = 1

# The vectors of a case search document: fields of `search.models.CaseDocument`.
CASE_SEARCH_VECTOR = "search_vector"
CASE_TITLE_VECTOR = "title_vector"
CASE_AUTOCOMPLETE_VECTOR = "autocomplete_vector"


def concat_vectors(*vectors):
    """The tsvectors `vectors` concatenated (``a || b``)."""
    if len(vectors) == 1:
        return vectors[0]
    return Func(
        *vectors, template="(%(expressions)s)", arg_joiner=" || ", output_field=SearchVectorField()
    )


def uses_page_vectors(model) -> bool:
    """Whether `model` is a page: matched and ranked on its vectors in this app's own
    table (`search.models.PageVectors`), not modelsearch's."""
    from wagtail.models import Page

    return issubclass(model, Page)


def uses_case_columns(model, backend) -> bool:
    """Whether `model` is searched on its own vector fields by `backend` (whose text
    search configuration is the one the fields are built with)."""
    return model is CaseDocument and getattr(backend, "config", None) == CASE_SEARCH_CONFIG


class CaseColumnsMixin:
    """Vectors of case documents from their own fields (the backend is known once
    `search` is called, or set by `bind`)."""

    own_vector = CASE_SEARCH_VECTOR
    search_backend = None

    def bind(self, backend):
        self.search_backend = backend
        return self

    def own_columns(self) -> bool:
        return uses_case_columns(self.queryset.model, self.search_backend)

    def get_index_vectors(self, search_query):
        if self.own_columns():
            return [(F(self.own_vector), 1.0)]
        return super().get_index_vectors(search_query)

    def search(self, config, start, stop, score_field=None, backend=None):
        self.search_backend = backend
        return super().search(config, start, stop, score_field=score_field, backend=backend)

    def matches(self, backend):
        """Every match, unranked and unsliced, as a queryset of the model (for totals
        and facets: `search.services.execution`)."""
        return self.search(self.get_config(backend), None, None, backend=backend)


INTEGER_KEYS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
}


def rows_to_objects(queryset, rows: list[tuple], score_field: str | None) -> list:
    """The objects of (key, score) `rows` in their order, fetched in one query after the
    keys were ranked (no sort of wide rows); keys gone since are left out."""
    objects = queryset.order_by().in_bulk([pk for pk, _score in rows])
    result = []
    for pk, score in rows:
        obj = objects.get(pk)
        if obj is None:
            continue
        if score_field:
            setattr(obj, score_field, score)
        result.append(obj)
    return result


def _integer_key(model) -> bool:
    field = model._meta.pk
    while field.is_relation:  # a page's key is its link to wagtailcore.Page
        field = field.target_field
    return field.get_internal_type() in INTEGER_KEYS


def entry_vectors() -> list[tuple]:
    """The vectors of a row of modelsearch's index table that are matched and ranked,
    with their boosts: the body alone, which holds the title too (weight A:
    `FittedObjectIndexer.body`)."""
    return [(F("body"), 1.0)]


def tsquery_text(query) -> str | None:
    """`query` (And, Or and PlainText, as `search.analysis` builds them) as the text of
    one ``to_tsquery``: a single call stems every word, where modelsearch makes one call
    per word and combines them (each evaluated again for every row ranked). None for
    other shapes."""
    if isinstance(query, PlainText):
        # Letters and digits only: nothing the tsquery syntax could read as an operator.
        terms = [f"'{word}'" for word in re.findall(r"\w+", query.query_string)]
        if not terms:
            return None
        joiner = " & " if query.operator == "and" else " | "
        return "(" + joiner.join(terms) + ")"
    if isinstance(query, And | Or):
        parts = [tsquery_text(part) for part in query.subqueries]
        if not parts or any(part is None for part in parts):
            return None
        return "(" + (" & " if isinstance(query, And) else " | ").join(parts) + ")"
    return None


class TitleFirstSearchQueryCompiler(PostgresSearchQueryCompiler):
    def build_tsquery(self, query, config=None):
        text = tsquery_text(query)
        if text is None:
            return super().build_tsquery(query, config=config)
        return SearchQuery(text, search_type="raw", config=config)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        """One cover-density rank of the whole query over the weighted vector, divided
        by the document's length (RANK_NORMALIZATION); modelsearch ranks each part of
        an And or Or apart and multiplies or averages them."""
        return SearchRank(
            vector,
            self.build_tsquery(query, config=config),
            weights=fields.POSTGRES_WEIGHTS,
            normalization=Value(RANK_NORMALIZATION),
            cover_density=True,
        )

    def rank_expression(self, vectors, config):
        """The rank of the query over `vectors` ((vector, boost) pairs): the title's and
        the other fields' vectors ranked together, their weights (A for the title) tell
        them apart, and the length is the whole document's."""
        vector = concat_vectors(*(each for each, _boost in vectors))
        return self.build_tsrank(vector, self.query, config=config)

    def get_index_vectors(self, search_query):
        """What is matched and ranked: a body vector, which holds the whole document
        (`FittedObjectIndexer.body`), of this app's `PageVectors` for pages and of
        modelsearch's entry for other models (its GIN index finds the matches, where
        ``title || body``, what modelsearch matches, has no index)."""
        if uses_page_vectors(self.queryset.model):
            return [(F("search_vectors__body"), 1.0)]
        return [(F("index_entries__body"), 1.0)]

    def keyed(self) -> bool:
        """Whether this search can be answered by keys (`page_keys`,
        `match_and_rank_sql`): a ranked full-text query over the index's own fields."""
        return (
            self.order_by_relevance
            and self.fields is None
            and not isinstance(self.query, MatchAll | Not | Fuzzy)
            and (self.own_columns() or _integer_key(self.queryset.model))
        )

    def search(self, config, start, stop, score_field=None, backend=None):
        if isinstance(self.query, MatchAll | Not | Fuzzy):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        if stop is not None and self.keyed():
            rows = self.page_keys(config, start, stop)
            return rows_to_objects(self.queryset, rows, score_field)
        return self.ranked_queryset(config, start, stop, score_field)

    def ranked_queryset(self, config, start, stop, score_field=None):
        """The matches as a queryset of the model, best first by `rank_expression` (or
        in the queryset's own order when the search is not by relevance): what
        modelsearch's `search` does, with this compiler's rank (every total and facet,
        and the searches `keyed` does not take)."""
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        rank = self.rank_expression(vectors, config)
        queryset = self.queryset.annotate(
            **{VECTOR: concat_vectors(*(vector for vector, _boost in vectors))}
        ).filter(**{VECTOR: search_query})
        if self.order_by_relevance:
            queryset = queryset.order_by(rank.desc(), "-pk")
        elif not queryset.query.order_by:
            # A stable order from page to page.
            queryset = queryset.order_by("-pk")
            rank = F("pk")
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: rank})
        return queryset[start:stop]

    def page_keys(self, config, start: int, stop: int, backend=None) -> list[tuple]:
        """(key, rank) of the results from `start` to `stop`: title matches first,
        each part by rank, then by key (descending)."""
        if backend is not None:
            self.bind(backend)
        known = getattr(self, "staffsearch_count", None)  # set by search.services
        if known is not None and known <= start:
            return []
        search_query = self.build_tsquery(self.query, config=config)
        title_rank = None
        title_matches = None
        if self.own_columns():
            # The subject's words are in the document's vector too (weight B), so for
            # the positive queries `keyed` admits a title match is a match: the title
            # matches are read through the subject's index alone, without the bitmap
            # of the document's vector (10 ms for a common word at 100,000 cases).
            title_matches, key, rank = self._own_matches(search_query, config, filtered=False)
            matches = title_matches.filter(**{VECTOR: search_query})
            # Among many title matches, cases are ranked on their subject's own small
            # vector (stored in the row), not on the whole document's (TOASTed: reading
            # 15,000 of them to keep five took 180 ms at 100,000 cases), with
            # `ts_rank` (a subject is a few words: the cover density adds nothing there,
            # and costs three times as much: 52 against 15 ms for 8,600 subjects); equal
            # ranks go newest first.
            title_rank = SearchRank(
                F(CASE_TITLE_VECTOR),
                search_query,
                weights=fields.POSTGRES_WEIGHTS,
                normalization=Value(RANK_NORMALIZATION),
            )
        else:
            matches, key, rank = self._entry_matches(search_query, config)
        # A few hundred matches are ranked outright; more, and the title matches are
        # tried first.
        title_first = known is None or known > RANK_ALL_UP_TO
        return self._page_of_keys(
            matches, key, rank, search_query, start, stop, title_first, title_rank, title_matches
        )

    def match_and_rank_sql(self, config, backend, fields=(), **expressions) -> tuple:
        """Pages (modelsearch's index table): the SQL of every match, with the columns
        (pk, *fields, *expressions, TITLE_FIRST, ENTRY: the key of its index entry), and
        the SQL of the rank of index entries (columns id, RANK): joined on the entry's
        key, a statement ranks only the matches it chooses
        (`search.services.execution._article_summary`). Returns (match SQL, its parameters, rank
        SQL, its parameters); the rank is the one `page_keys` orders by. Pages are read
        from this app's `PageVectors` (ENTRY is then the page's key)."""
        self.search_backend = backend
        search_query = self.build_tsquery(self.query, config=config)
        if uses_page_vectors(self.queryset.model):
            vectors, source, entry, key = "search_vectors", PageVectors, "pk", "page_id"
        else:
            vectors, source, entry, key = "index_entries", IndexEntry, "index_entries__id", "id"
        matches = (
            self.queryset.order_by()
            .annotate(
                **{
                    VECTOR: F(f"{vectors}__body"),
                    TITLE_VECTOR: F(f"{vectors}__title"),
                    ENTRY: F(entry),
                }
            )
            .filter(**{VECTOR: search_query})
            .annotate(**expressions, **{TITLE_FIRST: self._title_first(search_query)})
            .values("pk", *fields, *expressions, TITLE_FIRST, ENTRY)
        )
        match_sql, match_params = matches.query.sql_with_params()
        ranks = source._default_manager.annotate(
            **{RANK_KEY: F(key), RANK: self.rank_expression(entry_vectors(), config)}
        ).values(RANK_KEY, RANK)
        rank_sql, rank_params = ranks.query.sql_with_params()
        return match_sql, list(match_params), rank_sql, list(rank_params)

    @staticmethod
    def _title_first(search_query):
        return Case(
            When(**{TITLE_VECTOR: search_query}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )

    # Each shape gives (matches annotated with VECTOR and TITLE_VECTOR and filtered on
    # the first, the name of the model's key in them, the rank expression).

    def _own_matches(self, search_query, config, filtered=True):
        """Case documents: their own columns."""
        vectors = self.get_search_vectors(search_query)
        matches = self.queryset.order_by().annotate(
            **{VECTOR: vectors[0][0], TITLE_VECTOR: F(CASE_TITLE_VECTOR)}
        )
        if filtered:
            matches = matches.filter(**{VECTOR: search_query})
        return matches, "pk", self.rank_expression(vectors, config)

    def _entry_matches(self, search_query, config):
        """Models in modelsearch's index table but pages (`_page_matches`), read from the
        entries' side: the entries matching the query, among the keys of the model's
        queryset. (The other way round, the planner joins the entries to the objects on
        ``pk::varchar`` and, misjudging how many entries match, scans the objects once
        per entry.)"""
        from django.db.models import CharField
        from django.db.models.functions import Cast
        from modelsearch.utils import get_descendants_content_types_pks

        model = self.queryset.model
        if uses_page_vectors(model):
            return self._page_matches(search_query, config)
        entries = IndexEntry._default_manager.filter(
            content_type_id__in=get_descendants_content_types_pks(model)
        ).annotate(
            **{
                VECTOR: F("body"),
                TITLE_VECTOR: F("title"),
                "_staffsearch_pk": Cast("object_id", output_field=IntegerField()),
            }
        )
        visible = (
            self.queryset.order_by()
            .annotate(_staffsearch_key=Cast("pk", output_field=CharField(max_length=50)))
            .values("_staffsearch_key")
        )
        matches = entries.filter(object_id__in=visible, **{VECTOR: search_query})
        return matches, "_staffsearch_pk", self.rank_expression(entry_vectors(), config)

    def _page_matches(self, search_query, config):
        """Pages: their vectors in this app's table, among the keys of the queryset."""
        visible = self.queryset.order_by().values("pk")
        matches = PageVectors._default_manager.filter(page_id__in=visible).annotate(
            **{VECTOR: F("body"), TITLE_VECTOR: F("title")}
        )
        matches = matches.filter(**{VECTOR: search_query})
        return matches, "page_id", self.rank_expression(entry_vectors(), config)

    @staticmethod
    def _page_of_keys(
        matches,
        key,
        rank,
        search_query,
        start,
        stop,
        title_first=True,
        title_rank=None,
        title_matches=None,
    ) -> list[tuple]:
        """(key, rank) of the page: title matches first, each part by rank, then key.
        `title_rank`, if given, ranks the title matches instead of `rank`;
        `title_matches`, if given, is where they are looked for instead of `matches`
        (the same rows, unfiltered: a title match implies a match)."""
        if title_first:
            # The title matches, best first: enough to fill the page?
            source = title_matches if title_matches is not None else matches
            keyed = source.filter(**{TITLE_VECTOR: search_query}).annotate(
                **{RANK: title_rank if title_rank is not None else rank}
            )
            ordered = keyed.order_by(f"-{RANK}", f"-{key}")
            rows = list(ordered.values_list(key, RANK)[start:stop])
            if len(rows) == stop - start:
                return rows
        # The page reaches past the title matches: rank every match.
        keyed = matches.annotate(
            **{TITLE_FIRST: TitleFirstSearchQueryCompiler._title_first(search_query), RANK: rank}
        )
        ordered = keyed.order_by(f"-{TITLE_FIRST}", f"-{RANK}", f"-{key}")
        return list(ordered.values_list(key, RANK)[start:stop])


class RankedPostgresSearchQueryCompiler(CaseColumnsMixin, TitleFirstSearchQueryCompiler):
    pass


class KeyedAutocompleteQueryCompiler(PostgresAutocompleteQueryCompiler):
    def search(self, config, start, stop, score_field=None, backend=None):
        if stop is None or isinstance(self.query, MatchAll | Not | Fuzzy):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        # Rank on keys, fetch the rows of the page after (no sort of wide rows).
        rank = score_field or RANK
        keyed = super().search(config, start, stop, score_field=rank, backend=backend)
        rows = list(keyed.values_list("pk", rank))
        return rows_to_objects(self.queryset, rows, score_field)


class RankedPostgresAutocompleteQueryCompiler(CaseColumnsMixin, KeyedAutocompleteQueryCompiler):
    own_vector = CASE_AUTOCOMPLETE_VECTOR

    def own_columns(self) -> bool:
        # The column is built with the configuration modelsearch autocompletes with.
        return (
            super().own_columns()
            and getattr(self.search_backend, "autocomplete_config", None)
            == CASE_AUTOCOMPLETE_CONFIG
        )


class FittedObjectIndexer(OneWalkMixin, ObjectIndexer):
    """modelsearch's indexer with each field weighted by its class (`search.fields`:
    title A, summary and keywords B, …), the terms of the legal acts the document
    refers to added with weight B (`search.acts`), each vector's texts fitted to the
    document budget (`search.limits.fit`), and the plain body text (kept for fuzzy
    matching) cut to it."""

    def prepare_field(self, obj, field):
        for current, weight, value in super().prepare_field(obj, field):
            if isinstance(current, SearchField):
                weight = fields.class_of(current.field_name)
            yield current, weight, value

    @cached_property
    def body(self):
        """The whole document: the title (weight A) and every other field, so that a
        match of the entry is a match of its body and modelsearch's own GIN index of
        the body finds it (its ``title || body`` has no index); the title column
        keeps the title alone, for the title matches that come first."""
        titles, texts = [], []
        for field in self.search_fields:
            for current, weight, value in self.prepare_field(self.obj, field):
                if isinstance(current, SearchField):
                    (titles if current.field_name == "title" else texts).append((value, weight))
        texts = titles + texts
        found = acts.terms(" ".join(text for text, _w in texts))
        if found:
            texts.append((" ".join(found), fields.KEYWORDS))
        return self.as_vector(texts)

    def as_vector(self, texts, for_autocomplete=False):
        texts = list(texts)
        fitted = limits.fit([text for text, _weight in texts], limits.document_max_bytes())
        return super().as_vector(
            [(text, weight) for text, (_text, weight) in zip(fitted, texts, strict=True)],
            for_autocomplete=for_autocomplete,
        )

    @cached_property
    def body_text(self):
        return limits.cut(super().body_text, limits.document_max_bytes())


class RankedPostgresIndex(PostgresIndex):
    """Case documents live in their own generated columns: not in the generic table.
    Other objects are written there with `FittedObjectIndexer`, each refused one
    recorded and skipped."""

    indexer_class = FittedObjectIndexer

    def add_items(self, model, objs):
        from search import failures

        if uses_case_columns(model, self.backend):
            return
        failures.add_each(self, model, objs, self.write_items)

    def write_items(self, model, objs):
        """modelsearch's `PostgresIndex.add_items` with `indexer_class` (the original
        names its indexer inline): one INSERT … ON CONFLICT of the objects' vectors."""
        if not model.get_search_fields():
            return
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
        vectors_sql = []
        params = []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            row = []
            for name in ("title", "autocomplete", "body"):
                value = compiler.prepare_value(
                    IndexEntry._meta.get_field(name), getattr(indexer, name)
                )
                sql, value_params = value.as_sql(compiler, self.write_connection)
                row.append(sql)
                params.extend(value_params)
            vectors_sql.append(row)
            params.extend((indexer.title_text, indexer.body_text))
        values = ", ".join(f"(%s, %s, {a}, {b}, {c}, 1.0, %s, %s)" for a, b, c in vectors_sql)
        table = IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,"
                f" title_norm, title_text, body_text) (VALUES {values})"
                " ON CONFLICT (content_type_id, object_id) DO UPDATE SET"
                " title = EXCLUDED.title, title_norm = 1.0,"
                " autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,"
                " title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                params,
            )
        # modelsearch refreshes the entries' title norms (a scan of the whole table)
        # after each write; this backend's rank does not use them (`entry_vectors`).
        if uses_page_vectors(model):
            self.copy_page_vectors(model, [indexer.id for indexer in indexers])

    def copy_page_vectors(self, model, object_ids: list[str]):
        """The vectors of the pages just written to modelsearch's table, copied into
        this app's `PageVectors` (one statement; modelsearch's table is only read)."""
        entries = IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{PageVectors._meta.db_table}" (page_id, title, body) '
                f'SELECT CAST(object_id AS INTEGER), title, body FROM "{entries}" '
                "WHERE content_type_id = %s AND object_id = ANY(%s) "
                "ON CONFLICT (page_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body",
                [get_content_type_pk(model), object_ids],
            )

    def delete_item(self, item):
        if uses_case_columns(type(item), self.backend):
            return
        super().delete_item(item)
        if uses_page_vectors(type(item)):
            PageVectors._default_manager.filter(page_id=item.pk).delete()


class RankedPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = RankedPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = RankedPostgresAutocompleteQueryCompiler
    index_class = RankedPostgresIndex


SearchBackend = RankedPostgresSearchBackend
