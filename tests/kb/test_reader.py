"""What readers see: Russian pages, navigation, breadcrumbs, contents, contacts, print
view, related articles filtered by visibility, feedback and its per-unit report, the
view restriction of internal material, and a bounded number of queries."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kb.models import ArticleFeedback, ArticlePage, ArticleRelation

pytestmark = pytest.mark.django_db


def test_index_and_section_pages_in_russian(client, kb):
    client.force_login(kb["users"]["reader"])
    html = client.get(kb["index"].url).content.decode()
    assert '<html lang="ru">' in html
    assert "Противодействие коррупции" in html
    assert "Конфликт интересов" in html
    assert "Отдел по урегулированию конфликта интересов" in html  # owner unit

    html = client.get(kb["sections"]["declarations"].url).content.decode()
    assert "Раздел ведёт" in html and "Отдел по работе со сведениями о доходах" in html
    assert "Ответственный" in html and "Соколов" in html  # the unit's head
    assert '<nav class="breadcrumbs"' in html and 'href="/anticorruption/"' in html
    assert "Разделы" in html and 'aria-current="page"' in html
    assert "Как представить справку о доходах" in html
    assert "Инструкция" in html  # kind, translated


def test_section_filters_by_kind_and_topic(client, kb):
    client.force_login(kb["users"]["reader"])
    url = kb["sections"]["declarations"].url
    html = client.get(url, {"kind": "faq"}).content.decode()
    assert "30 апреля я буду в отпуске" in html
    assert "Как представить справку о доходах: пошаговая" not in html
    html = client.get(url, {"topic": "conflict-of-interest"}).content.decode()
    assert "Статей пока нет." in html


def test_article_page_has_everything_a_reader_needs(client, kb):
    client.force_login(kb["users"]["reader"])
    article = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    html = client.get(article.url).content.decode()
    assert "Содержание" in html
    for heading in article.table_of_contents():
        assert f'href="#{heading["anchor"]}"' in html
        assert f'id="{heading["anchor"]}"' in html
    assert "Установите программу «Справки БК»" in html  # numbered steps
    assert "<table" in html
    assert "Федеральный закон от 25.12.2008 № 273-ФЗ «О противодействии коррупции»" in html
    assert "Материал ведёт" in html and "Ответственный сотрудник" in html
    assert f"Редакция от {timezone.localdate():%d.%m.%Y}" in html
    assert "Версия для печати" in html
    assert "Был ли материал полезен?" in html
    assert "Связанные статьи" in html and "30 апреля я буду в отпуске" in html

    printable = client.get(article.url, {"print": "1"}).content.decode()
    assert "версия для печати" in printable
    assert "Был ли материал полезен?" not in printable
    assert "kb-nav" not in printable
    assert "Установите программу «Справки БК»" in printable


def test_typical_answer_shows_its_code_and_text(client, kb):
    client.force_login(kb["users"]["executor"])
    answer = ArticlePage.objects.get(answer_code="ТО-001")
    html = client.get(answer.url).content.decode()
    assert "ТО-001" in html and "{имя_заявителя}" in html
    assert "Текст ответа" in html


def test_internal_articles_need_login_public_ones_do_not(kb):
    anonymous = Client()
    internal = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    public = ArticlePage.objects.get(slug="chto-takoe-konflikt-interesov")
    assert internal.audience == "internal" and public.audience == "public"

    response = anonymous.get(internal.url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = anonymous.get(public.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Что такое конфликт интересов" in html
    assert "Был ли материал полезен?" not in html, "anonymous visitors cannot post"
    # The related block of a public article never shows internal material to them.
    assert "Образец уведомления о возникновении" not in html  # internal related article
    # Listings show anonymous visitors only public articles.
    html = anonymous.get(kb["sections"]["declarations"].url).content.decode()
    assert "30 апреля я буду в отпуске" in html
    assert "Как представить справку о доходах" not in html
    html = anonymous.get(kb["index"].url).content.decode()
    assert "Как представить справку о доходах" not in html


def test_related_articles_hide_drafts_and_internal_material(client, kb, make_article):
    section = kb["sections"]["declarations"]
    public = make_article(section, title="Публичная", audience="public")
    internal = make_article(section, title="Внутренняя связанная")
    draft = make_article(section, title="Снятая с публикации")
    draft.unpublish()
    public.related_links.add(ArticleRelation(target=internal))
    public.related_links.add(ArticleRelation(target=draft))
    public.save_revision().publish()
    public = ArticlePage.objects.get(pk=public.pk)

    assert [a.title for a in public.related_for(kb["users"]["reader"])] == ["Внутренняя связанная"]
    from django.contrib.auth.models import AnonymousUser

    assert public.related_for(AnonymousUser()) == []
    html = Client().get(public.url).content.decode()
    assert "Внутренняя связанная" not in html and "Снятая с публикации" not in html


def test_feedback_is_recorded_with_csrf_and_reported_to_the_owner_unit_only(kb):
    users = kb["users"]
    article = ArticlePage.objects.get(slug="spravka-v-otpuske")  # ОДС
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["reader"])
    url = f"/kb/feedback/{article.pk}/"
    assert browser.post(url, {"helpful": "no"}).status_code == 403, "CSRF is checked"

    page = browser.get(article.url)
    token = page.cookies["csrftoken"].value
    response = browser.post(
        url, {"helpful": "no", "comment": "Не хватает примера", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"].endswith("#feedback")
    feedback = ArticleFeedback.objects.get(article=article)
    assert feedback.helpful is False and feedback.unit.short_name == "ОДС"
    assert feedback.user == users["reader"]
    # A second opinion replaces the first.
    browser.post(url, {"helpful": "yes", "csrfmiddlewaretoken": token})
    assert ArticleFeedback.objects.get(article=article).helpful is True
    assert browser.post(url, {"helpful": "maybe", "csrfmiddlewaretoken": token}).status_code == 302
    assert ArticleFeedback.objects.count() == 1

    admin = Client()
    admin.force_login(users["head"])
    html = admin.get("/admin/kb/feedback/").content.decode()
    assert article.title in html
    admin.force_login(users["head2"])
    html = admin.get("/admin/kb/feedback/").content.decode()
    assert article.title not in html, "another unit does not see ОДС's feedback"
    admin.force_login(users["reader"])
    assert admin.get("/admin/kb/feedback/").status_code == 302


def test_anonymous_cannot_post_feedback(kb):
    article = ArticlePage.objects.get(slug="spravka-v-otpuske")
    response = Client().post(f"/kb/feedback/{article.pk}/", {"helpful": "yes"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ArticleFeedback.objects.exists()


def test_section_page_query_count_does_not_grow_with_articles(
    client, kb, make_article, django_assert_max_num_queries, settings
):
    from kb.models import Topic

    settings.KB_FRAGMENT_CACHE_SECONDS = 0  # the page as built, not from the cache
    section = kb["sections"]["prohibitions"]
    topics = list(Topic.objects.all()[:2])
    client.force_login(kb["users"]["reader"])
    make_article(section, topics=topics)
    client.get(section.url)  # warm the per-process caches (site root paths, content types)
    with django_assert_max_num_queries(25) as few:
        assert client.get(section.url).status_code == 200
    for n in range(15):
        make_article(
            section,
            title=f"Статья {n}",
            topics=topics,
            last_reviewed_on=timezone.localdate() - dt.timedelta(days=n * 10),
        )
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        html = client.get(section.url).content.decode()
    assert html.count('class="kb-badge"') >= 15
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_attachments_of_internal_articles_need_login(client, kb, make_article):
    from kb.models import ArticleAttachment

    template = ArticlePage.objects.get(slug="obrazec-uvedomleniya")  # internal, with a file
    document = template.attachments.get().document
    anonymous = Client()
    response = anonymous.get(document.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(kb["users"]["reader"])
    assert client.get(document.url).status_code == 200

    public = make_article(kb["sections"]["conflict-of-interest"], audience="public")
    public.attachments.add(ArticleAttachment(document=document))
    public.save_revision().publish()
    assert anonymous.get(document.url).status_code == 200
