"""Editors' comfort (issue 22, part 6): Latin slugs for new pages, no slug error for a
page whose address an abandoned draft holds, a refusal that names the owning unit and
its editors, a read-only view of other units' sections, one review state on an
article, and «Отметить как проверенное»."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, WorkflowState

from intranet.slugs import free_slug, slug_from
from kb.models import ArticlePage, ArticleReview, LegalAct

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OWN = "declarations"  # ОДС: editor / head
OTHER = "conflict-of-interest"  # ОКИ: editor2 / head2


# ------------------------------------------------------------------ slugs


def test_transliteration_is_that_of_the_seeded_pages():
    assert slug_from("Что такое конфликт интересов?") == "chto-takoe-konflikt-interesov"
    assert slug_from("Какие сайты") == "kakie-sayty"
    assert slug_from("Сообщить о склонении") == "soobshchit-o-sklonenii"
    assert slug_from("Уточнённые сведения о сайтах") == "utochnennye-svedeniya-o-saytah"
    assert slug_from("После увольнения, объём") == "posle-uvolneniya-obem"
    assert slug_from("«»!") == "page"
    long = slug_from("Справка о доходах " * 20)
    assert len(long) <= 80 and not long.endswith("-") and long.startswith("spravka-o-dohodah")


def test_every_page_type_uses_the_portals_form():
    from wagtail.models import get_page_models

    from intranet.page_forms import IntranetPageForm

    for model in get_page_models():
        if model is Page:
            continue
        form = model.get_edit_handler().get_form_class()
        assert issubclass(form, IntranetPageForm), model


def _article_form(title: str, slug: str, **extra) -> dict:
    """The smallest create/edit form of an article the admin accepts as a draft."""
    data = {
        "title": title,
        "slug": slug,
        "kind": "faq",
        "audience": "internal",
        "summary": "Кратко",
        "body-count": "0",
        "last_reviewed_on": TODAY.isoformat(),
        "review_interval_days": "365",
        **extra,
    }
    for formset in ("attachments", "related_links"):
        for field, value in (("TOTAL", "0"), ("INITIAL", "0"), ("MIN_NUM", "0"),
                             ("MAX_NUM", "1000")):  # fmt: skip
            data[f"{formset}-{field}_FORMS"] = value
    return data


def _create(client, section, title, slug):
    url = f"/admin/pages/add/kb/articlepage/{section.pk}/"
    return client.post(url, _article_form(title, slug))


def test_a_new_page_gets_a_latin_slug(client, kb):
    section = kb["sections"][OWN]
    client.force_login(kb["users"]["editor"])
    response = _create(
        client, section, "Как сдать справку в отпуске", "как-сдать-справку-в-отпуске"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ArticlePage.objects.child_of(section).get(title="Как сдать справку в отпуске")
    assert page.slug == "kak-sdat-spravku-v-otpuske"


def test_an_abandoned_draft_does_not_block_a_new_page(client, kb):
    """The half-filled article autosaved as a draft keeps its slug; starting again with
    the same title makes a page at the next free address, with no slug error."""
    section = kb["sections"][OWN]
    abandoned = ArticlePage(title="Справка о доходах супруга", slug="spravka-o-dohodah-supruga",
                            live=False)  # fmt: skip
    section.add_child(instance=abandoned)
    abandoned.save_revision(user=kb["users"]["editor"])
    client.force_login(kb["users"]["editor"])
    response = _create(client, section, "Справка о доходах супруга", "справка-о-доходах-супруга")
    html = response.content.decode()
    assert "уже используется" not in html
    assert response.status_code == 302
    slugs = set(ArticlePage.objects.child_of(section).values_list("slug", flat=True))
    assert {"spravka-o-dohodah-supruga", "spravka-o-dohodah-supruga-2"} <= slugs


def test_a_published_page_is_told_in_plain_russian_which_page_has_its_slug(
    client, kb, make_article
):
    section = kb["sections"][OWN]
    first = make_article(section, title="Первая", slug="pervaya")
    second = make_article(section, title="Вторая", slug="vtoraya")
    client.force_login(kb["users"]["editor"])
    response = client.post(f"/admin/pages/{second.pk}/edit/", _article_form("Вторая", "pervaya"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Адрес «pervaya» уже занят страницей «Первая»" in html
    assert "pervaya-2" in html
    assert "уже используется на родительской странице" not in html
    assert ArticlePage.objects.get(pk=second.pk).slug == "vtoraya"
    assert first.slug == "pervaya"


def test_free_slug_counts_on():
    siblings = Page.objects.filter(slug__in=["kb-x", "kb-x-2"])
    assert free_slug("nothing-like-it", siblings) == "nothing-like-it"


# ------------------------------------------------- another unit's pages


@pytest.fixture
def other(kb, make_article):
    article = make_article(kb["sections"][OTHER], title="Статья ОКИ о подарках")
    draft = ArticlePage(title="Черновик ОКИ, не для чужих глаз", slug="chernovik-oki", live=False)
    kb["sections"][OTHER].add_child(instance=draft)
    draft.save_revision(user=kb["users"]["editor2"])
    return {"article": article, "draft": draft, "section": kb["sections"][OTHER]}


def test_a_refused_edit_names_the_owning_unit_and_its_editors(client, kb, other):
    client.force_login(kb["users"]["editor"])
    response = client.get(f"/admin/pages/{other['article'].pk}/edit/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][1] == 302
    assert response.redirect_chain[-1][0] == f"/admin/kb/sections/{other['section'].pk}/"
    unit = other["section"].owner_unit
    assert f"Страницу «Статья ОКИ о подарках» ведёт {unit.name}" in html
    assert kb["users"]["editor2"].get_full_name() in html
    assert "нет доступа в эту область" not in html


def test_another_units_section_opens_read_only_not_empty(client, kb, other):
    client.force_login(kb["users"]["editor"])
    response = client.get(f"/admin/pages/{other['section'].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/kb/sections/{other['section'].pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Статья ОКИ о подарках" in html
    assert "Черновик ОКИ" not in html, "another unit's drafts stay theirs"
    assert kb["users"]["editor2"].get_full_name() in html
    assert "только для чтения" in html
    # One's own section still opens in Wagtail's explorer.
    assert client.get(f"/admin/pages/{kb['sections'][OWN].pk}/").status_code == 200
    # The list of sections marks which are one's own.
    listing = client.get("/admin/kb/sections/").content.decode()
    assert f"/admin/pages/{kb['sections'][OWN].pk}/" in listing
    assert f"/admin/kb/sections/{other['section'].pk}/" in listing


def test_the_read_only_listing_is_admin_only(client, kb, other):
    for who in ("reader", "client"):
        client.force_login(kb["users"][who])
        response = client.get(f"/admin/kb/sections/{other['section'].pk}/")
        assert response.status_code in (302, 403)
        assert "Статья ОКИ о подарках" not in response.content.decode()


# ------------------------------------------------------------ badges


def test_an_article_under_review_shows_no_green_reviewed_date(client, kb, make_article):
    client.force_login(kb["users"]["reader"])
    flagged = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    assert flagged.needs_review
    html = client.get(flagged.url).content.decode()
    assert "Статья проверяется в связи с изменением законодательства" in html
    assert 'class="kb-reviewed"' not in html
    assert f"проверено {flagged.last_reviewed_on:%d.%m.%Y}" not in html
    # In the section's list neither: only the «needs review» badge.
    listing = client.get(kb["sections"][OWN].url).content.decode()
    item = listing[listing.index(flagged.title) :]
    item = item[: item.index("</li>")]
    assert "на проверке" in item or "требует проверки" in item
    assert "проверено" not in item

    overdue = make_article(kb["sections"][OWN], title="Давняя статья",
                           last_reviewed_on=TODAY - dt.timedelta(days=400))  # fmt: skip
    html = client.get(overdue.url).content.decode()
    assert 'class="kb-reviewed-stale"' in html and 'class="kb-reviewed"' not in html


# --------------------------------------------------- mark as reviewed


@pytest.fixture
def flagged(kb, make_article):
    act = LegalAct.objects.get(number="230-ФЗ")
    article = make_article(
        kb["sections"][OWN],
        title="Статья с изменённым актом",
        legal_acts=[act],
        last_reviewed_on=TODAY - dt.timedelta(days=30),
    )
    act.status = LegalAct.Status.AMENDED
    act.save()
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.needs_review
    return article


def test_the_head_marks_it_reviewed_in_one_action(client, kb, flagged):
    client.force_login(kb["users"]["head"])
    url = f"/admin/kb/articles/{flagged.pk}/reviewed/"
    page = client.get(url).content.decode()
    assert "Отметить как проверенное" in page
    response = client.post(url)
    assert response.status_code == 302
    article = ArticlePage.objects.get(pk=flagged.pk)
    assert not article.needs_review and article.last_reviewed_on == TODAY
    entry = PageLogEntry.objects.filter(page=article, action="kb.mark_reviewed").get()
    assert entry.user == kb["users"]["head"]
    # The one action of the knowledge base (kb.services.mark_reviewed) recorded it.
    review = ArticleReview.objects.get(article=article)
    assert review.reviewed_by == kb["users"]["head"] and review.cleared_reason


def test_an_editors_review_applies_at_once_and_is_recorded(kb, flagged):
    """The text does not change: no revision, no approval (docs/knowledge_base.md)."""
    from kb.review import mark_reviewed

    revisions = flagged.revisions.count()
    mark_reviewed(flagged, kb["users"]["editor"])
    article = ArticlePage.objects.get(pk=flagged.pk)
    assert not article.needs_review and article.last_reviewed_on == TODAY
    assert article.revisions.count() == revisions
    assert not WorkflowState.objects.filter(object_id=str(article.pk), status="in_progress")
    assert ArticleReview.objects.get(article=article).reviewed_by == kb["users"]["editor"]


def test_mark_reviewed_is_refused_to_another_unit_and_keeps_a_pending_draft(client, kb, flagged):
    client.force_login(kb["users"]["editor2"])
    assert client.post(f"/admin/kb/articles/{flagged.pk}/reviewed/").status_code in (302, 404)
    assert ArticlePage.objects.get(pk=flagged.pk).needs_review
    assert not ArticleReview.objects.filter(article=flagged).exists()

    draft = flagged.get_latest_revision_as_object()
    draft.summary = "Новая редакция, не утверждена"
    revision = draft.save_revision(user=kb["users"]["editor"])
    client.force_login(kb["users"]["head"])
    client.post(f"/admin/kb/articles/{flagged.pk}/reviewed/")
    article = ArticlePage.objects.get(pk=flagged.pk)
    assert not article.needs_review and article.summary != "Новая редакция, не утверждена"
    # The draft, published later, carries the older review date: the review is kept.
    revision.publish(user=kb["users"]["head"])
    article = ArticlePage.objects.get(pk=flagged.pk)
    assert article.summary == "Новая редакция, не утверждена"
    assert article.last_reviewed_on == TODAY
