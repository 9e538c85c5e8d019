"""What the project adds to modelsearch's Elasticsearch backends (8 and 9):

- the Russian analysis from settings (``INDEX_SETTINGS``: lowercase, «ё» → «е», Russian
  stop words, Snowball Russian stemmer) as the index-time analyzer, and at search time
  the same chain with the domain synonyms of `search.synonyms` (``synonym_graph``, which
  Elasticsearch allows only in search analyzers);
- field boosts by name, title > summary and keywords > body (`search.fields`), for
  models whose ``search_fields`` do not set one (Wagtail's page title has 2; the
  knowledge base sets none on summary);
- references to legal acts made one term («Указ № 559» → «указ559», `search.acts`) by
  ``pattern_replace`` character filters, at index and at search time.

The synonyms are those editors keep in the admin (`search.models.SynonymGroup`), read
when the backend is made: they reach the index's settings with the next
`manage.py update_index` (which creates the index again).
"""

from __future__ import annotations

import copy

from django.db import DatabaseError
from modelsearch.backends.elasticsearchbase import Field
from modelsearch.index import SearchField, get_indexed_models

from search import acts, fields
from search.synonyms import elasticsearch_rules

# Boosts by field name (search.fields); a boost set in a model's search_fields is
# replaced by these.
FIELD_BOOSTS = {
    name: fields.ELASTICSEARCH_BOOSTS[weight_class]
    for name, weight_class in fields.CLASS_OF_FIELD.items()
    if weight_class in fields.ELASTICSEARCH_BOOSTS
}


def boosted(field):
    if isinstance(field, SearchField) and field.field_name in FIELD_BOOSTS:
        field = copy.copy(field)
        field.boost = FIELD_BOOSTS[field.field_name]
    return field


def char_filter_names() -> list[str]:
    """The character filters of both analyzers: «ё» → «е», then the acts."""
    return ["yo_to_ye", *acts.char_filters()]


def search_analysis() -> dict:
    """The analysis the backend adds to the settings' one: «ё» → «е» and the acts as
    character filters, the synonym filter and the search analyzer that uses it."""
    try:
        rules = elasticsearch_rules()
    except DatabaseError:  # not migrated yet
        rules = []
    # Synonym rules are read through the filters before them, so they match every
    # inflection; stop words go last, after stemming («такое» → «так»: a stop word).
    chain = ["lowercase", "russian_stemmer", "russian_stop"]
    filters = {}
    if rules:
        filters["domain_synonyms"] = {"type": "synonym_graph", "synonyms": rules, "lenient": True}
        chain = ["lowercase", "russian_stemmer", "domain_synonyms", "russian_stop"]
    return {
        "char_filter": {
            "yo_to_ye": {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]},
            **acts.char_filters(),
        },
        "filter": filters,
        "analyzer": {
            "default_search": {
                "type": "custom",
                "char_filter": char_filter_names(),
                "tokenizer": "standard",
                "filter": chain,
            },
        },
    }


class BoostedMappingMixin:
    def get_field_mapping(self, field):
        return super().get_field_mapping(boosted(field))


class BoostedQueryCompilerMixin:
    def get_searchable_fields(self):
        return [boosted(field) for field in super().get_searchable_fields()]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.fields:
            # Searching every field: the boost fields of this project's boosts.
            self.remapped_fields = self.all_fields()

    def all_fields(self) -> list:
        """The index columns a search of every field reads, as modelsearch's
        compiler lists them, with the boosts of `FIELD_BOOSTS` (a model's own
        boosts replaced)."""
        remapped = [Field("_all_text")]
        boosts = set()
        for model in get_indexed_models():
            if not issubclass(model, self.queryset.model):
                continue
            for field in model.get_searchable_search_fields():
                field = boosted(field)
                if field.boost:
                    boosts.add(float(field.boost))
        remapped.extend(Field(self.mapping.get_boost_field_name(b), b) for b in boosts)
        return remapped


class RussianBackendMixin:
    def __init__(self, params):
        super().__init__(params)
        settings = self.settings.setdefault("settings", {})
        index = settings.setdefault("index", {})
        analysis = index.setdefault("analysis", {})
        for key, values in search_analysis().items():
            analysis.setdefault(key, {}).update(values)
        # The default (index) analyzer applies «ё» → «е» and reads the acts too.
        default = analysis.get("analyzer", {}).get("default")
        if default is not None:
            default.setdefault("char_filter", char_filter_names())
