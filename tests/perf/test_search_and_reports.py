"""The search page (all tabs, one tab, the JSON API) and the reports page for a year run
the same number of queries with a few or many matching articles and cases."""

import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from tests.perf.conftest import assert_bounded, measure, signed_in

pytestmark = pytest.mark.django_db

SEARCH_CEILING = 40


def _more(corpus, start: int, count: int) -> None:
    """`count` more cases and articles that match «справка о доходах»."""
    from cases import services as case_services
    from kb.demo import publish_article

    org = corpus.org
    for i in range(start, start + count):
        case = case_services.submit_question(
            org.client,
            subject=f"Справка о доходах: вопрос {i}",
            text="Как указать доходы от вклада в справке о доходах?",
            topic="declarations",
        )
        if i % 2:
            case = case_services.decide_urgency(case, org.registrar, urgent=False)
            case_services.assign(case, org.registrar, unit=org.units["ОДС"],
                                 executor=org.executor)  # fmt: skip
        publish_article(
            corpus.sections["declarations"],
            title=f"Справка о доходах: разъяснение {i}",
            slug=f"spravka-razyasnenie-{i}",
            summary="Как заполнить справку о доходах.",
            topics=[],
        )


SEARCHES = [
    ("registrar", reverse_lazy("search:page"), "q=справка+о+доходах"),
    ("client", reverse_lazy("search:page"), "q=справка+о+доходах"),
    ("head", reverse_lazy("search:page"), "q=справкой+о+доходах&kind=case&status=assigned"),
    ("executor", reverse_lazy("search:page"), "q=справка&kind=article&page=2"),
    ("registrar", "/api/search/", "q=справка+о+доходах&per_page=50"),
]


def test_search_queries_do_not_grow(corpus, django_capture_on_commit_callbacks, subtests):
    """The search page (all tabs, a tab with filters, a later page) for each kind of user
    and the JSON API, measured on the corpus and again with ten more matching cases and
    articles (one data set for all of them)."""
    clients = signed_in(corpus.users, {username for username, _path, _query in SEARCHES})
    searches = []
    for username, path, query in SEARCHES:
        client = clients[username]
        url = f"{path}?{query}"
        client.get(url)
        searches.append((f"{username} {url}", client, url, measure(client, url)))
    with django_capture_on_commit_callbacks(execute=True):
        _more(corpus, 0, 10)
    for name, client, url, few in searches:
        with subtests.test(msg=name):
            # The search's row of the readout (search.readout) is inserted by the day's
            # first search of its query, topic and unit (here: another best hit).
            client.get(url)
            many = measure(client, url)
            if few.response.context is not None:  # the page (the API has no context)
                result = many.response.context["result"]
                assert result.total > few.response.context["result"].total
            assert_bounded(few, many, ceiling=SEARCH_CEILING)


def _answered(org, make_case, count: int, start: int, year: int) -> None:
    """`count` answered cases received over `year` (spread month by month), rated."""
    from cases import services
    from cases.models import Answer, Case, Rating

    for i in range(start, start + count):
        case = make_case(state="assigned", subject=f"Вопрос года {i}",
                         unit=["ОДС", "ОКИ", "ОМП"][i % 3],
                         executor=["executor", "editor2", "head3"][i % 3])  # fmt: skip
        received = timezone.make_aware(dt.datetime(year, 1 + i % 12, 1 + i % 27, 10))
        services.save_answer(case, case.executor, kind="merits", body="<p>Ответ.</p>")
        Case.objects.filter(pk=case.pk).update(received_at=received, status="answered")
        Answer.objects.filter(case=case).update(
            status="registered", registered_at=received + dt.timedelta(days=3 + i % 20),
            outgoing_number=f"ИСХ-{year}-{i}",
        )  # fmt: skip
        Rating.objects.create(case=case, unit=case.unit, executor=case.executor, score=1 + i % 5)


@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_year_report_queries_do_not_grow(client, org, make_case, export):
    """The department head's report over a whole year, every unit."""
    year = timezone.localdate().year - 1
    period = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    if export:
        period["format"] = export
    client.force_login(org.chief)
    url = reverse("reports:report")
    _answered(org, make_case, 3, 0, year)
    client.get(url, period)
    few = measure(client, url, data=period)
    _answered(org, make_case, 12, 3, year)
    many = measure(client, url, data=period)
    if not export:
        assert many.response.context["report"].answered == 15
        assert few.response.context["report"].answered == 3
    assert_bounded(few, many, ceiling=40)
