"""The database search backend with Russian morphology on every database.

Settings: ``{"BACKEND": "search.backends.database", "SEARCH_CONFIG": "russian"}``.
PostgreSQL: modelsearch's full-text backend with the given text search configuration
(``russian`` by default: Snowball stemmer and stop words), ranking pages in two steps
(`search.backends.postgres`). SQLite: modelsearch's FTS5
backend with the Snowball Russian stemmer applied to the indexed text and to the query
(`search.backends.sqlite`). Only one database backend may be configured: they share
modelsearch's index table."""

from django.db import connection


def SearchBackend(params):
    params = dict(params)
    params.setdefault("SEARCH_CONFIG", "russian")
    if connection.vendor == "postgresql":
        from search.backends.postgres import RankedPostgresSearchBackend

        return RankedPostgresSearchBackend(params)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

        if fts5_available() and fts_table_exists():
            from search.backends.sqlite import StemmingSQLiteSearchBackend

            return StemmingSQLiteSearchBackend(params)
    from modelsearch.backends.database import SearchBackend as default_backend

    return default_backend(params)
