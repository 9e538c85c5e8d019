"""What the search engine indexes for a case.

A case is not an indexed model itself: its search document is a row here, rebuilt from
the case by a Celery task after the case's transaction commits (`search.signals`,
`search.tasks`), so a save never waits for or fails because of the search engine.

The document's primary key is the case's id, and it carries copies of the case's
columns that `cases.permissions.visibility_filter` reads (client, executor, unit,
confidentiality; co-executors are matched by case id). So the cases app's own Q object
applies unchanged to documents inside the query of every backend (Elasticsearch, and
the database backends, where the condition then sits on the same row as the text
vector), and every hit is re-checked against ``Case.objects.visible_to`` before it is
shown.

The document's full-text vectors are fields of the model: stored generated columns
(`GeneratedField`, computed by the database from the row whenever it is written, so
they never disagree with it) with GIN indexes, read by `search.backends.postgres`. Their
expression is PostgreSQL's ``to_tsvector``; SQLite has no tsvector, so there the same
columns are generated as NULL (`PostgresOnly`) with a plain index, and SQLite's backend
searches its own FTS5 table as before. The vectors are deferred by the default manager:
only the search reads them, in SQL."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

# The text search configurations of the vectors (`search.backends.postgres` searches a
# case document on its own vectors only when its backend uses the same one).
CASE_SEARCH_CONFIG = "russian"
CASE_AUTOCOMPLETE_CONFIG = "simple"


class PostgresOnly(models.Func):
    """`expression` on PostgreSQL, NULL on other databases (a generated column whose
    expression only PostgreSQL can compute: a tsvector)."""

    template = "%(expressions)s"

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=SearchVectorField(), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            return "NULL", []
        return super().as_sql(compiler, connection, **extra_context)


class PostgresGinIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere (SQLite has no GIN)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def _vector(*weighted: tuple[str, str | None], config: str = CASE_SEARCH_CONFIG):
    vector = None
    for column, weight in weighted:
        part = SearchVector(column, config=config, weight=weight)
        vector = part if vector is None else vector + part
    return PostgresOnly(vector)


VECTOR_FIELDS = ("search_vector", "title_vector", "autocomplete_vector")


class DeferredVectorsManager(models.Manager):
    """Leaves the model's `vector_fields` out of its queries: the vectors are for the
    search's SQL, never for Python."""

    def __init__(self, *vector_fields: str):
        super().__init__()
        self.vector_fields = vector_fields

    def get_queryset(self):
        return super().get_queryset().defer(*self.vector_fields)


class CaseDocument(index.Indexed, models.Model):
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    # Named "title" so the database backends weigh it as a title.
    title = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    answers = models.TextField(_("answers"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=32, blank=True)

    topic = models.CharField(_("topic"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16)
    regime = models.CharField(_("regime"), max_length=32)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("received at"))

    # Copies of what the visibility rule reads.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    unit = models.ForeignKey(
        "intranet.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    is_confidential = models.BooleanField(default=False)

    indexed_at = models.DateTimeField(_("indexed at"), default=timezone.now)

    # What a search matches and ranks on: subject (weight B), registration number (C),
    # text and answers (D), Russian configuration.
    search_vector = models.GeneratedField(
        expression=_vector(
            ("title", "B"), ("registration_number", "C"), ("text", "D"), ("answers", "D")
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # The subject alone: results whose subject matches come first, and many of them are
    # ranked on this short vector instead of the whole document's.
    title_vector = models.GeneratedField(
        expression=_vector(("title", None)),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # The subject as written (``simple``: prefixes of the words), for suggestions.
    autocomplete_vector = models.GeneratedField(
        expression=_vector(("title", None), config=CASE_AUTOCOMPLETE_CONFIG),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = DeferredVectorsManager(*VECTOR_FIELDS)

    # Indexed by search.tasks after commit, never by modelsearch's own save signal.
    search_auto_update = False

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("registration_number", boost=2),
        index.SearchField("text"),
        index.SearchField("answers"),
        index.FilterField("case"),
        index.FilterField("topic"),
        index.FilterField("status"),
        index.FilterField("regime"),
        index.FilterField("channel"),
        index.FilterField("received_at"),
        index.FilterField("client"),
        index.FilterField("executor"),
        index.FilterField("unit"),
        index.FilterField("is_confidential"),
    ]

    class Meta:
        verbose_name = _("case search document")
        verbose_name_plural = _("case search documents")
        base_manager_name = "objects"
        indexes = [
            PostgresGinIndex(fields=["search_vector"], name="staffsearch_casedoc_vector"),
            PostgresGinIndex(fields=["title_vector"], name="staffsearch_casedoc_title"),
            PostgresGinIndex(fields=["autocomplete_vector"], name="staffsearch_casedoc_prefix"),
        ]

    def __str__(self) -> str:
        return self.title

    def failure_label(self) -> str:
        """How an index failure names this document in the admin: by the case's number,
        never by its subject (a confidential case's subject is for its handlers only)."""
        from django.utils.translation import gettext

        if self.registration_number:
            return gettext("Case %(number)s") % {"number": self.registration_number}
        return gettext("Case no. %(id)s (not registered)") % {"id": self.pk}


class PageVectors(models.Model):
    """PostgreSQL: the full-text vectors of a page, in this app's own table.

    `search.backends.postgres` writes them beside the page's entry in modelsearch's
    index table, whenever it writes that entry (the same vectors, copied in the same
    statement), and matches and ranks pages on them: their storage is this app's to
    choose (``0016``: kept in the row, uncompressed, so that ranking thousands of
    matching articles reads no compressed TOAST chunks), where modelsearch's table is
    left as modelsearch made it. The row goes with its page (CASCADE); on other
    databases the table stays empty."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("page"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_vectors",
    )
    # The title alone (title matches come first) and the whole document: title
    # (weight A), the other fields by their class, the acts it cites.
    title = SearchVectorField(_("title vector"), null=True)
    body = SearchVectorField(_("document vector"), null=True)

    objects = DeferredVectorsManager("title", "body")

    class Meta:
        verbose_name = _("page search vectors")
        verbose_name_plural = _("page search vectors")
        base_manager_name = "objects"
        indexes = [
            PostgresGinIndex(fields=["body"], name="staffsearch_pagevec_body"),
            PostgresGinIndex(fields=["title"], name="staffsearch_pagevec_title"),
        ]

    def __str__(self) -> str:
        return str(self.page_id)


class IndexFailure(models.Model):
    """A document a search backend refused (or that could not be built): skipped so that
    the others are indexed, listed for administrators (admin: Settings → Search index
    failures) and tried again by `search.tasks.catch_up` from `retry_at` on, later after
    each new failure. Removed when the document is indexed (or no longer exists).

    The document is named by the model whose index it belongs to (a page by Wagtail's
    `Page`, a case by `CaseDocument`, whose key is the case's) and its key."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.CharField(_("key"), max_length=64)
    label = models.CharField(_("document"), max_length=255)
    error = models.TextField(_("error"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"), default=timezone.now)
    last_failed_at = models.DateTimeField(_("last failed at"), default=timezone.now)
    retry_at = models.DateTimeField(_("next attempt"), default=timezone.now)

    class Meta:
        verbose_name = _("search index failure")
        verbose_name_plural = _("search index failures")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="staffsearch_indexfailure_unique"
            )
        ]
        indexes = [models.Index(fields=["retry_at"], name="staffsearch_failure_retry")]

    def __str__(self) -> str:
        return self.label


class SynonymGroup(models.Model):
    """Words and phrases that mean the same in the knowledge base's domain, kept by
    editors in the admin (Settings → Search synonyms): a query with one of them finds
    the documents with any of them, on every search backend (`search.synonyms`)."""

    terms = models.TextField(
        _("words and phrases"),
        help_text=_(
            "Separated by commas or one per line, in the form a person would type them, "
            "e.g. «подарок, сувенир, подарили». Each word is matched in every form."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("search synonyms")
        ordering = ["pk"]

    def __str__(self) -> str:
        return ", ".join(self.phrases())

    def phrases(self) -> list[str]:
        from search.stemming import words

        found = []
        for part in self.terms.replace("\n", ",").replace(";", ",").split(","):
            phrase = " ".join(words(part))
            if phrase and phrase not in found:
                found.append(phrase)
        return found

    def clean(self):
        from django.core.exceptions import ValidationError

        if len(self.phrases()) < 2:
            raise ValidationError(
                {"terms": _("Give at least two words or phrases that mean the same.")}
            )


class VocabularyWord(models.Model):
    """A word of the knowledge base's live articles and how many of them hold it: what
    a typo is corrected to («Возможно, вы имели в виду …») and what a word typed in the
    wrong keyboard layout is checked against (`search.vocabulary`). Only articles are
    read, never cases: a suggestion must not reveal a word of someone's message."""

    word = models.CharField(_("word"), max_length=64, unique=True)
    stem = models.CharField(_("stem"), max_length=64, db_index=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)

    class Meta:
        verbose_name = _("vocabulary word")
        verbose_name_plural = _("vocabulary")

    def __str__(self) -> str:
        return self.word


class QueryStat(models.Model):
    """How often a query was searched on one day, for the editors' readout of searches
    that found nothing or where nothing was opened (`search.readout`).

    Aggregated from the start: no user, no session, no raw log. The query is stored
    normalised, with what may be personal data taken out (e-mail addresses, numbers of
    more than four digits); the topic and unit are those the search was narrowed to or
    those of the best knowledge-base hit, when there is one."""

    day = models.DateField(_("day"))
    query = models.CharField(_("query"), max_length=200)
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    unit = models.ForeignKey(
        "intranet.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    searches = models.PositiveIntegerField(_("searches"), default=0)
    empty = models.PositiveIntegerField(_("found nothing"), default=0)
    opened = models.PositiveIntegerField(_("results opened"), default=0)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("search query statistic")
        verbose_name_plural = _("search query statistics")
        indexes = [models.Index(fields=["day", "query"], name="staffsearch_querystat_day")]

    def __str__(self) -> str:
        return self.query


class ResultClick(models.Model):
    """How often a knowledge-base result was opened from the results of a query on one
    day (a count only: who opened it is not kept). Cases opened from the results count
    in `QueryStat.opened` only: their subjects are not for the readout."""

    day = models.DateField(_("day"))
    query = models.CharField(_("query"), max_length=200)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    clicks = models.PositiveIntegerField(_("opened"), default=0)

    class Meta:
        verbose_name = _("opened search result")
        verbose_name_plural = _("opened search results")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query", "page"], name="staffsearch_resultclick_unique"
            )
        ]

    def __str__(self) -> str:
        return self.query
