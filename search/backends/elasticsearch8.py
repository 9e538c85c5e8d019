"""Elasticsearch 8 with the Russian analysis, domain synonyms and field boosts
(settings: ``"BACKEND": "search.backends.elasticsearch8"``; needs the elasticsearch-py 8
client: ``pip install "elasticsearch>=8,<9"``)."""

from modelsearch.backends import elasticsearch8 as base

from search.backends._elasticsearch import (
    BoostedMappingMixin,
    BoostedQueryCompilerMixin,
    RussianBackendMixin,
)


class Mapping(BoostedMappingMixin, base.Elasticsearch8Mapping):
    pass


class SearchQueryCompiler(BoostedQueryCompilerMixin, base.Elasticsearch8SearchQueryCompiler):
    mapping_class = Mapping


class AutocompleteQueryCompiler(base.Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = Mapping


class RussianElasticsearch8SearchBackend(RussianBackendMixin, base.Elasticsearch8SearchBackend):
    mapping_class = Mapping
    query_compiler_class = SearchQueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler


SearchBackend = RussianElasticsearch8SearchBackend
