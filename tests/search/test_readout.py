"""The editors' readout of searches (search.readout): what the search page records (no
personal data, one row per day and query), the counting redirect of the result links
(never a hidden hit, never another address), and who reads which rows."""

import pytest
from django.urls import reverse

from cases.models import TopicRoute
from search import readout
from search.models import QueryStat, ResultClick

pytestmark = pytest.mark.django_db

DECLARATION = "Как заполнить справки о доходах за отчётный год"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Справка   о ДОХОДАХ ", "справка о доходах"),
        ("приём ёлки", "прием елки"),
        ("указ 559 и 273-ФЗ за 2025", "указ 559 и 273-фз за 2025"),
        ("письмо ivanov@mail.ru о подарке", "письмо … о подарке"),
        ("позвонить +7 (495) 123-45-67 Петрову", "позвонить … петрову"),
        ("снилс 123-456-789 01", "снилс …"),
        ("паспорт 4510 123456", "паспорт …"),  # series and number: one number
        ("паспорт серии 4510", "паспорт серии 4510"),
        ("1234567", ""),
        ("ivanov@mail.ru", ""),
    ],
)
def test_queries_are_kept_without_personal_numbers_and_addresses(typed, kept):
    assert readout.normalise(typed) == kept


def test_a_search_is_counted_once_per_day_with_its_unit_and_topic(corpus, client):
    client.force_login(corpus.users["registrar"])
    url = reverse("search:page")
    client.get(url, {"q": "Справкой о доходах"})
    client.get(url, {"q": "справкой  о доходах"})
    # A tab or a further page of the same search is not another search.
    client.get(url, {"q": "справкой о доходах", "kind": "article"})
    client.get(url, {"q": "справкой о доходах", "page": "2"})
    client.get(url, {"q": "зюзюкабра 79161234567"})
    rows = {row.query: row for row in QueryStat.objects.all()}
    assert set(rows) == {"справкой о доходах", "зюзюкабра …"}
    found = rows["справкой о доходах"]
    assert (found.searches, found.empty, found.opened) == (2, 0, 0)
    assert found.unit == corpus.org.units["ОДС"]  # the unit of the best article's section
    assert found.topic == "declarations"
    nothing = rows["зюзюкабра …"]
    assert (nothing.searches, nothing.empty, nothing.unit, nothing.topic) == (1, 1, None, "")


def test_result_links_count_the_opening_and_lead_to_the_result(corpus, client):
    client.force_login(corpus.users["registrar"])
    response = client.get(reverse("search:page"), {"q": "справкой о доходах", "kind": "article"})
    hit = next(h for h in response.context["result"].hits if h.title == DECLARATION)
    link = reverse("search:open", args=["article", hit.pk]) + "?q="
    assert f'href="{hit.open_url}"'.replace("&", "&amp;") in response.content.decode()
    assert hit.open_url.startswith(link)
    client.get(reverse("search:page"), {"q": "справкой о доходах"})  # counted
    response = client.get(hit.open_url + "&next=https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == hit.url  # the article's own address, nothing else
    click = ResultClick.objects.get()
    assert (click.query, click.page_id, click.clicks) == ("справкой о доходах", hit.pk, 1)
    assert QueryStat.objects.get(query="справкой о доходах").opened == 1


def test_the_redirect_never_reveals_a_hidden_hit(corpus, client):
    from cases.models import Case
    from kb.models import ArticlePage

    internal = ArticlePage.objects.get(slug="kak-zapolnit-spravki")
    restricted = ArticlePage.objects.get(slug="metodichka")
    public = ArticlePage.objects.get(slug="chto-takoe-konflikt")
    confidential = Case.objects.get(subject__startswith="Давление руководителя")

    def opened(kind, pk):
        return client.get(reverse("search:open", args=[kind, pk]), {"q": "справка"}).status_code

    # Anonymous: public articles only.
    assert opened("article", public.pk) == 302
    assert opened("article", internal.pk) == 404
    assert opened("case", confidential.pk) == 404
    client.force_login(corpus.users["reader"])
    assert opened("article", internal.pk) == 302
    assert opened("article", restricted.pk) == 404  # behind a view restriction
    assert opened("case", confidential.pk) == 404
    assert opened("typical_answer", internal.pk) == 404  # an article is not opened as another kind
    assert opened("nonsense", internal.pk) == 404
    assert opened("article", 10**8) == 404
    assert not ResultClick.objects.filter(page_id__in=[restricted.pk]).exists()
    assert ResultClick.objects.filter(page_id__in=[public.pk, internal.pk]).count() == 2


def _stat(query, unit=None, topic="", searches=1, empty=0):
    from django.utils import timezone

    return QueryStat.objects.create(
        day=timezone.localdate(),
        query=query,
        unit=unit,
        topic=topic,
        searches=searches,
        empty=empty,
    )


def test_the_readout_shows_each_unit_its_rows(corpus, client):
    units = corpus.org.units
    _stat("справка о доходах супруги", unit=units["ОДС"], searches=5, empty=0)
    _stat("подарок на юбилей", unit=units["ОКИ"], searches=3, empty=3)
    _stat("зюзюкабра", searches=2, empty=2)
    # No unit inferred, a topic routed to ОКИ: for ОКИ.
    TopicRoute.objects.update_or_create(topic="conflict", defaults={"unit": units["ОКИ"]})
    _stat("родственник в подчинении", topic="conflict-of-interest", searches=1, empty=1)
    url = reverse("search:readout")

    def queries(username, **params):
        client.force_login(corpus.users[username])
        response = client.get(url, params)
        assert response.status_code == 200
        return [row.query for row in response.context["data"].rows]

    assert queries("editor") == ["справка о доходах супруги", "зюзюкабра"]
    assert queries("head2") == ["подарок на юбилей", "зюзюкабра", "родственник в подчинении"]
    assert queries("admin") == [
        "справка о доходах супруги",
        "подарок на юбилей",
        "зюзюкабра",
        "родственник в подчинении",
    ]
    assert queries("admin", sort="empty") == [
        "подарок на юбилей",
        "зюзюкабра",
        "родственник в подчинении",
        "справка о доходах супруги",
    ]
    assert queries("admin", unit=units["ОКИ"].pk) == ["подарок на юбилей"]
    html = client.get(url, {"sort": "empty"}).content.decode()
    assert "Что ищут" in html and "Ничего не найдено" in html
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize("username", ["reader", "client", "registrar", "executor"])
def test_the_readout_is_refused_to_others(corpus, client, username):
    _stat("подарок на юбилей", unit=corpus.org.units["ОКИ"], searches=3, empty=3)
    client.force_login(corpus.users[username])
    response = client.get(reverse("search:readout"))
    assert response.status_code == 403
    assert "подарок на юбилей" not in response.content.decode()


def test_the_readout_is_in_the_admin_menu_of_editors_only(corpus, client):
    url = reverse("search:readout")
    client.force_login(corpus.users["editor"])
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(corpus.users["executor"])
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()
