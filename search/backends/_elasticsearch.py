"""What the project adds to modelsearch's Elasticsearch backends (8 and 9):

- the Russian analysis from settings (``INDEX_SETTINGS``: lowercase, «ё» → «е», Russian
  stop words, Snowball Russian stemmer) as the index-time analyzer, and at search time
  the same chain with the domain synonyms of `search.synonyms` (``synonym_graph``, which
  Elasticsearch allows only in search analyzers);
- field boosts by name, title > summary > body, for models whose ``search_fields`` do
  not set one (Wagtail's page title has 2; the knowledge base sets none on summary).
"""

from __future__ import annotations

import copy

from modelsearch.backends.elasticsearchbase import Field
from modelsearch.index import SearchField, get_indexed_models

from search.synonyms import elasticsearch_rules

# Boosts by field name; a boost set in a model's search_fields is replaced by these.
FIELD_BOOSTS = {
    "title": 5.0,
    "answer_code": 4.0,
    "registration_number": 4.0,
    "summary": 2.5,
    "search_description": 2.0,
    "answer_text": 1.5,
}


def boosted(field):
    if isinstance(field, SearchField) and field.field_name in FIELD_BOOSTS:
        field = copy.copy(field)
        field.boost = FIELD_BOOSTS[field.field_name]
    return field


def search_analysis() -> dict:
    """The analysis the backend adds to the settings' one: the synonym filter and the
    search analyzer that uses it."""
    return {
        "char_filter": {"yo_to_ye": {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]}},
        "filter": {
            "domain_synonyms": {
                "type": "synonym_graph",
                "synonyms": elasticsearch_rules(),
                "lenient": True,
            },
        },
        "analyzer": {
            "default_search": {
                "type": "custom",
                "char_filter": ["yo_to_ye"],
                "tokenizer": "standard",
                # Synonym rules are read through the filters before them, so they match
                # every inflection; stop words go last (they would leave holes in rules).
                "filter": ["lowercase", "russian_stemmer", "domain_synonyms", "russian_stop"],
            },
        },
    }


class BoostedMappingMixin:
    def get_field_mapping(self, field):
        return super().get_field_mapping(boosted(field))


class BoostedQueryCompilerMixin:
    def get_searchable_fields(self):
        return [boosted(field) for field in super().get_searchable_fields()]

    def _remap_fields(self, fields):
        if fields:
            return super()._remap_fields(fields)
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
        # The default analyzer applies «ё» → «е» too.
        default = analysis.get("analyzer", {}).get("default")
        if default is not None:
            default.setdefault("char_filter", ["yo_to_ye"])
