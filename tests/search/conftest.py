"""Fixtures of the search tests: the small corpus of tests/search/corpus.py (organisation,
KB articles, cases) and a helper that collects what a user finds."""

from __future__ import annotations

import pytest


@pytest.fixture
def corpus(org):
    """Articles (internal, public, typical answer, one behind a view restriction) and
    cases of two clients, one of them confidential: the `corpus` world
    (tests/search/corpus.py), built once per test process."""
    from tests.search.corpus import load

    return load(org)


@pytest.fixture
def found():
    """found(user, query, **kw) -> set of (kind, title) among all hits of every tab."""
    from search import services

    def _found(user, query, **kwargs):
        titles = set()
        for kind in (services.ARTICLE, services.TYPICAL_ANSWER, services.CASE):
            result = services.search(user, query, kind=kind, per_page=100, **kwargs)
            titles |= {(hit.kind, hit.title) for hit in result.hits}
        return titles

    return _found
