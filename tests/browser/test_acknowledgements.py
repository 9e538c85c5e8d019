"""Acknowledgement sheets in a real browser: the ОДС head asks the reader to read an
instruction on the staff form, the reader confirms «Ознакомлен(а)» on the article, the
head's sheet shows the confirmation with the revision read."""

import datetime as dt

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_head_assigns_reader_confirms_head_sees_it(demo, live_server, page, login):
    from django.utils import timezone

    from kb.models import ArticlePage

    article = ArticlePage.objects.get(slug="kak-predstavit-spravku")  # ОДС, an instruction
    due = timezone.localdate() + dt.timedelta(days=7)

    # The head opens the form from the article and sends it to the reader.
    login(page, "head")
    page.goto(f"{live_server.url}{article.url}")
    with page.expect_navigation():
        page.get_by_role("link", name="Направить статью на ознакомление").click()
    page.get_by_label("Козлов Николай Евгеньевич, Специалист комитета по культуре").check()
    page.get_by_label("Ознакомиться до").fill(f"{due:%d.%m.%Y}")
    with page.expect_navigation():
        page.get_by_role("button", name="Направить на ознакомление").click()
    assert page.locator("h1").inner_text() == "Лист ознакомления"
    assert page.locator('tr[data-user="reader"]').get_attribute("class") == "is-waiting"
    sheet_url = page.url

    # The reader sees it in the notifications and confirms on the article.
    page.context.clear_cookies()
    login(page, "reader")
    page.goto(f"{live_server.url}/notifications/")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Ознакомьтесь со статьёй «{article.title}»").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ознакомлен(а)").click()
    assert page.get_by_text("Спасибо: ознакомление отмечено.").is_visible()
    assert page.get_by_text("Вы подтвердили ознакомление с этой статьёй").is_visible()

    # The head's sheet shows the confirmation and the revision read.
    page.context.clear_cookies()
    login(page, "head")
    page.goto(sheet_url)
    row = page.locator('tr[data-user="reader"]')
    assert row.get_attribute("class") == "is-confirmed"
    assert timezone.localdate().strftime("%d.%m.%Y") in row.inner_text()
    published = timezone.localtime(article.last_published_at).strftime("%d.%m.%Y")
    assert published in row.locator("td").nth(3).inner_text()
    assert page.locator("[data-confirmed]").inner_text() == "1 из 1"
