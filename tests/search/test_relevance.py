"""The judged query set over the demo content, on whichever database the tests run on
(SQLite by default, PostgreSQL with DATABASE_URL, Elasticsearch with ELASTICSEARCH_URL:
`bench/search_quality.py` prints the same figures per backend)."""

import pytest

from search import services
from tests.search.judged_queries import JUDGED, evaluate, scores

MIN_QUERIES = 80
MIN_MRR_AT_10 = 0.85
MIN_RECALL_AT_5 = 0.9


def titles(user, query, kind):
    return [hit.title for hit in services.search(user, query, kind=kind, per_page=10).hits]


@pytest.mark.django_db
def test_judged_queries(demo):
    assert len(JUDGED) >= MIN_QUERIES
    outcome = evaluate(demo, titles)
    result = scores(outcome)
    misses = [(query, item) for query, ranks in outcome for item, rank in ranks if not rank]
    assert result["mrr"] >= MIN_MRR_AT_10, (result, misses)
    assert result["recall"] >= MIN_RECALL_AT_5, (result, misses)
