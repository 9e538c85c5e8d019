"""The judged query set over the demo content, on whichever database the tests run on."""

import pytest

from search import services
from tests.search.judged_queries import JUDGED, evaluate, scores

MIN_HIT_RATE = 0.9
MIN_RECALL_AT_5 = 0.9


def titles(user, query, kind):
    return [hit.title for hit in services.search(user, query, kind=kind, per_page=5).hits]


@pytest.mark.django_db
def test_judged_queries(demo):
    assert len(JUDGED) >= 40
    outcome = evaluate(demo, titles)
    result = scores(outcome)
    misses = [(query, item) for query, ranks in outcome for item, rank in ranks if not rank]
    assert result["hit_rate"] >= MIN_HIT_RATE, (result, misses)
    assert result["recall"] >= MIN_RECALL_AT_5, (result, misses)
