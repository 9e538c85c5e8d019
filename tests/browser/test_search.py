"""The staff search in a browser: a reader finds an article by another form of its
words, narrows by topic and opens it; a client cannot find another client's case."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "Как представить справку о доходах: пошаговая инструкция"
TOPIC = "Справки о доходах, расходах, об имуществе и обязательствах имущественного характера"


@pytest.fixture
def seeded(demo):
    """The whole demo, with the demo passwords (the `demo` world of tests/worlds.py)."""
    return demo


def test_reader_finds_filters_and_opens_a_client_finds_no_other_case(
    seeded, live_server, page, login
):
    login(page, "reader")
    page.fill("#header-q", "справкой о доходах")
    with page.expect_navigation():
        page.press("#header-q", "Enter")
    assert "/search/" in page.url
    assert page.locator("h1").inner_text() == "Поиск"
    hit = page.locator(".hit-title", has_text=ARTICLE)
    assert hit.count() == 1
    # The other form of the words is highlighted.
    assert hit.locator("mark").first.inner_text().lower().startswith("справк")

    with page.expect_navigation():
        page.locator(".facet[data-facet=topic] a", has_text=TOPIC).click()
    assert "topic=declarations" in page.url
    assert page.locator(".facet[data-facet=topic] .is-selected").inner_text() == TOPIC
    assert page.locator(".hit-title", has_text=ARTICLE).count() == 1
    assert page.locator(".hit-title", has_text="конфликт").count() == 0

    with page.expect_navigation():
        page.locator(".hit-title", has_text=ARTICLE).click()
    assert page.locator("h1").inner_text() == ARTICLE

    # One seeded database for both scenarios (a transactional test flushes it after).
    page.context.clear_cookies()
    _a_client_does_not_find_another_clients_case(live_server, page, login)


def _a_client_does_not_find_another_clients_case(live_server, page, login):
    from cases.models import Case

    subject = "Родственник устраивается в подведомственное учреждение"
    assert Case.objects.get(subject=subject).client.username == "client2"

    login(page, "client")
    page.goto(f"{live_server.url}/search/?q={subject}")
    assert page.locator(".hit[data-kind=case]").count() == 0
    assert page.locator(".search-tab[data-kind=case] .count").inner_text() == "0"
    assert subject not in page.locator(".search-results").inner_text()

    # Its own client does find it.
    page.context.clear_cookies()
    login(page, "client2")
    page.goto(f"{live_server.url}/search/?q={subject}&kind=case")
    assert page.locator(".hit[data-kind=case] .hit-title", has_text=subject).count() == 1
