"""The cases' share of a search counted on a second connection (search.parallel): the
same results as one after the other, the caller's language and time zone, never inside
the caller's transaction, no waiting for a busy pool, errors raised to the caller."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from search import parallel, services

QUERIES = [
    ("справка о доходах", ""),
    ("конфликт интересов", services.CASE),
    ("справка", services.ARTICLE),
    ("конфликт интересов", ""),
]


def _summary(result) -> tuple:
    return (
        result.total,
        result.counts,
        [(facet.name, [(v.value, v.count) for v in facet.values]) for facet in result.facets],
        {kind: [hit.pk for hit in hits] for kind, hits in result.groups.items()},
        [hit.pk for hit in result.hits],
    )


@pytest.fixture
def shares(monkeypatch):
    """Where and how each cases' share ran: (thread, language, time zone, in the search's
    transaction)."""
    seen = []
    original = services._case_share

    def recording(*args, **kwargs):
        seen.append(
            (
                threading.current_thread().name,
                translation.get_language(),
                timezone.get_current_timezone_name(),
                connection.in_atomic_block,
            )
        )
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_case_share", recording)
    return seen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cases_counted_beside_the_articles_give_the_same_result(corpus, shares, settings):
    user = corpus.users["registrar"]
    caller = threading.current_thread().name

    def run_all():
        with translation.override("en"), timezone.override("Asia/Yekaterinburg"):
            return [_summary(services.search(user, query, kind=kind)) for query, kind in QUERIES]

    settings.SEARCH_PARALLEL_WORKERS = 0
    assert not parallel.available()
    one_after_the_other = run_all()
    assert {name for name, *_rest in shares} == {caller}
    assert one_after_the_other[0][1][services.CASE] > 0, "the corpus has matching cases"
    shares.clear()

    settings.SEARCH_PARALLEL_WORKERS = 2
    assert parallel.available()
    assert run_all() == one_after_the_other
    assert len(shares) == len(QUERIES)
    for name, language, zone, in_transaction in shares:
        assert name != caller and name.startswith("search")
        assert (language, zone, in_transaction) == ("en", "Asia/Yekaterinburg", True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_pool_is_not_waited_for_and_errors_reach_the_caller(
    corpus, shares, settings, monkeypatch
):
    user = corpus.users["registrar"]
    caller = threading.current_thread().name
    settings.SEARCH_PARALLEL_WORKERS = 2
    expected = _summary(services.search(user, "конфликт интересов"))
    assert shares[-1][0] != caller
    _pool, slots = parallel._get_pool()
    held = 0
    while slots.acquire(blocking=False):
        held += 1
    try:
        assert held >= 1
        assert _summary(services.search(user, "конфликт интересов")) == expected
        assert shares[-1][0] == caller, "run in the caller's thread, not queued"
    finally:
        for _ in range(held):
            slots.release()

    def broken(*args, **kwargs):
        raise RuntimeError("the cases' share failed")

    monkeypatch.setattr(services, "_case_share", broken)
    with pytest.raises(RuntimeError, match="cases' share failed"):
        services.search(user, "конфликт интересов")


def test_inside_a_transaction_the_cases_are_counted_in_the_callers_thread(corpus, shares, settings):
    """A test runs in a transaction another connection cannot see into (as would a view
    inside ``atomic``): both halves run in the caller's thread."""
    settings.SEARCH_PARALLEL_WORKERS = 2
    assert connection.in_atomic_block and not parallel.available()
    result = services.search(corpus.users["registrar"], "конфликт интересов")
    assert result.counts[services.CASE] > 0
    assert [name for name, *_rest in shares] == [threading.current_thread().name]
