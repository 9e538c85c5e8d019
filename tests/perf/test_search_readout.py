"""The readout of searches (search.readout) runs the same number of queries with a few
or many recorded queries and opened results, for a unit editor and an administrator."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.perf.conftest import assert_bounded, measure

pytestmark = pytest.mark.django_db

READOUT_CEILING = 25


def _record(corpus, start: int, count: int) -> None:
    from kb.models import ArticlePage
    from search.models import QueryStat, ResultClick

    today = timezone.localdate()
    units = [corpus.org.units["ОДС"], corpus.org.units["ОКИ"], None]
    articles = list(ArticlePage.objects.live().order_by("pk")[:4])
    for i in range(start, start + count):
        query = f"вопрос номер {i:03d}"
        QueryStat.objects.create(
            day=today - timezone.timedelta(days=i % 5),
            query=query,
            unit=units[i % 3],
            topic=["declarations", "", "conflict-of-interest"][i % 3],
            searches=1 + i,
            empty=i % 2,
            opened=i % 3,
        )
        ResultClick.objects.create(
            day=today, query=query, page=articles[i % len(articles)], clicks=1 + i % 4
        )


@pytest.mark.parametrize(
    ("username", "params"),
    [("editor", {}), ("admin", {"sort": "unopened", "days": "90"}), ("head2", {"sort": "opened"})],
)
def test_readout_queries_do_not_grow(client, corpus, username, params):
    client.force_login(corpus.users[username])
    url = reverse("search:readout")
    _record(corpus, 0, 3)
    client.get(url, params)
    few = measure(client, url, data=params)
    _record(corpus, 3, 60)
    many = measure(client, url, data=params)
    assert len(many.response.context["data"].rows) > len(few.response.context["data"].rows)
    assert_bounded(few, many, ceiling=READOUT_CEILING)
