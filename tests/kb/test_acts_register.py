"""The register of legal acts (/kb/acts/): an act's page with its state, official link
and the articles citing it that the visitor may open; the editor's acts picker; links
from an article to its acts, topics and tags."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from kb.models import ArticlePage, LegalAct, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(kb):
    act = LegalAct.objects.get(number="273-ФЗ")
    act.url = "http://publication.pravo.gov.ru/document/0001200812290001"
    act.in_force_from = dt.date(2009, 1, 10)
    act.save()
    return act


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_act_page_shows_kind_date_number_state_link_and_citing_articles(kb, act, make_article):
    section = kb["sections"]["declarations"]
    public = make_article(
        section, title="Публичная статья о 273-ФЗ", audience="public", legal_acts=[act]
    )
    internal = make_article(section, title="Внутренняя статья о 273-ФЗ", legal_acts=[act])
    restricted = make_article(section, title="Закрытая статья о 273-ФЗ", legal_acts=[act])
    other = make_article(section, title="Статья без ссылки")
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    methodists = Group.objects.create(name="Методисты реестра")
    restriction.groups.add(methodists)
    kb["users"]["head"].groups.add(methodists)

    url = reverse("kb:act", args=[act.pk])
    html = _client(kb["users"]["reader"]).get(url).content.decode()
    assert "Федеральный закон" in html and "25.12.2008" in html
    assert "№&nbsp;273-ФЗ" in html
    assert "О противодействии коррупции" in html
    assert 'href="http://publication.pravo.gov.ru/document/0001200812290001"' in html
    assert "действует с 10.01.2009" in html
    assert public.title in html and internal.title in html
    assert restricted.title not in html, "a restricted article stays hidden"
    assert other.title not in html

    html = _client(kb["users"]["head"]).get(url).content.decode()
    assert restricted.title in html, "the group that may read it sees it"

    html = _client().get(url).content.decode()
    assert public.title in html
    assert internal.title not in html, "anonymous visitors see public articles only"


def test_amended_act_shows_its_state_and_date(kb):
    amended = LegalAct.objects.get(number="460")  # marked amended by the demo
    html = _client(kb["users"]["reader"]).get(reverse("kb:act", args=[amended.pk])).content
    html = html.decode()
    assert f"изменён {amended.status_changed_on:%d.%m.%Y}" in html
    assert "ссылки пока нет" in html
    assert "Как представить справку о доходах" in html


def test_citation_uses_the_number_sign(kb, act):
    assert act.short_citation == "Федеральный закон от 25.12.2008 № 273-ФЗ"
    assert " N " not in act.citation


def test_official_link_must_be_http_or_https(kb, act):
    act.url = "ftp://example.org/273.pdf"
    with pytest.raises(ValidationError) as error:
        act.full_clean()
    assert "url" in error.value.message_dict
    act.url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        act.full_clean()
    act.url = "https://publication.pravo.gov.ru/document/1"
    act.full_clean()


def test_state_dates_cannot_precede_the_act(kb, act):
    act.in_force_from = act.date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        act.full_clean()
    assert "in_force_from" in error.value.message_dict


def test_register_filters_by_kind_and_state_and_searches(kb, act):
    client = _client(kb["users"]["reader"])
    url = reverse("kb:acts")
    html = client.get(url).content.decode()
    assert act.citation in html and "Указ Президента" in html

    html = client.get(url, {"status": "amended"}).content.decode()
    assert "№ 460" in html and "№ 273-ФЗ" not in html

    html = client.get(url, {"kind": "federal_law"}).content.decode()
    assert "№ 273-ФЗ" in html and "№ 460" not in html

    # Any case, Cyrillic included (SQLite's LIKE would miss «ПРОТИВОДЕЙСТВИИ»).
    html = client.get(url, {"q": "ПРОТИВОДЕЙСТВИИ коррупции"}).content.decode()
    assert "№ 273-ФЗ" in html and "№ 460" not in html
    html = client.get(url, {"q": "№ 2867-р"}).content.decode()
    assert "2867-р" in html and "№ 273-ФЗ" not in html


def test_amended_again_flags_the_citing_articles_again(kb, make_article):
    act = LegalAct.objects.get(number="460")
    article = make_article(
        kb["sections"]["declarations"], title="Статья об указе 460", legal_acts=[act]
    )
    act.refresh_from_db()
    act.note = "Уточнение примечания"
    act.save()  # same state, same date: nothing new
    assert not ArticlePage.objects.get(pk=article.pk).needs_review

    act.refresh_from_db()
    act.status_changed_on = act.status_changed_on + dt.timedelta(days=1)
    act.save()  # a new amendment
    assert ArticlePage.objects.get(pk=article.pk).needs_review


def test_article_links_its_acts_topics_and_tags(kb, act, make_article):
    topic = Topic.objects.get(slug="declarations")
    article = make_article(
        kb["sections"]["declarations"],
        title="Статья со ссылками",
        topics=[topic],
        legal_acts=[act],
        tags=["справочная метка"],
    )
    client = _client(kb["users"]["reader"])
    html = client.get(article.url).content.decode()
    assert f'href="{reverse("kb:act", args=[act.pk])}"' in html
    assert f'href="{reverse("kb:topic", args=[topic.slug])}"' in html
    tag = article.tags.get()
    assert f'href="{reverse("kb:tag", args=[tag.pk])}"' in html
    assert f'href="{act.url}"' in html, "the official text is linked too"

    assert article.title in client.get(reverse("kb:topic", args=[topic.slug])).content.decode()
    listing = client.get(reverse("kb:tag", args=[tag.pk])).content.decode()
    assert "Метка: справочная метка" in listing and article.title in listing


def test_picker_searches_acts_for_editors_only(kb, act):
    url = reverse("kb_legal_act_autocomplete")
    editor = _client(kb["users"]["editor"])
    found = editor.get(url, {"q": "273"}).json()["results"]
    assert [item["id"] for item in found] == [act.pk]
    assert "№ 273-ФЗ" in found[0]["label"]
    assert editor.get(url, {"q": "указ"}).json()["results"], "any case"
    # Admin access without the register's permission: refused (Wagtail sends the
    # refused back to the dashboard with a message).
    refused = _client(kb["users"]["executor"]).get(url, {"q": "273"})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert _client(kb["users"]["reader"]).get(url, {"q": "273"}).status_code == 302


def test_editor_form_renders_only_the_chosen_acts_and_saves_them(kb, act, make_article):
    from wagtail.admin.panels import get_edit_handler

    article = make_article(kb["sections"]["declarations"], title="Статья с актом", legal_acts=[act])
    html = _client(kb["users"]["editor"]).get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    html = html.content.decode()
    assert html.count('name="legal_acts" value=') == 1, "only the chosen act, not the register"
    assert "data-kb-acts-url" in html and "kb/acts_autocomplete.js" in html

    form_class = get_edit_handler(ArticlePage).get_form_class()
    other = LegalAct.objects.get(number="460")
    form = form_class(instance=article, for_user=kb["users"]["editor"])
    widget = form.fields["legal_acts"].widget
    assert widget.value_from_datadict(
        {"legal_acts": [str(act.pk), str(other.pk)]}, {}, "legal_acts"
    ) == [str(act.pk), str(other.pk)]
    assert list(form.fields["legal_acts"].clean([str(other.pk)])) == [other]
