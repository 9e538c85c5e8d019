"""Elasticsearch 9 with the Russian analysis, domain synonyms and field boosts
(settings: ``"BACKEND": "search.backends.elasticsearch9"``)."""

from modelsearch.backends import elasticsearch9 as base

from search.backends._elasticsearch import (
    BoostedMappingMixin,
    BoostedQueryCompilerMixin,
    RussianBackendMixin,
)


class Mapping(BoostedMappingMixin, base.Elasticsearch9Mapping):
    pass


class SearchQueryCompiler(BoostedQueryCompilerMixin, base.Elasticsearch9SearchQueryCompiler):
    mapping_class = Mapping


class AutocompleteQueryCompiler(base.Elasticsearch9AutocompleteQueryCompiler):
    mapping_class = Mapping


class RussianElasticsearch9SearchBackend(RussianBackendMixin, base.Elasticsearch9SearchBackend):
    mapping_class = Mapping
    query_compiler_class = SearchQueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler


SearchBackend = RussianElasticsearch9SearchBackend
