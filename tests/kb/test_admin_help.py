"""The admin's Russian help for unit editors and heads (/admin/help/): linked from the
Help menu and the dashboard instead of Wagtail's English guide, rendered inside the
admin, refused to people without admin access."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

pytestmark = pytest.mark.django_db

HELP_URL = "/admin/help/"


def _help_menu(html: str) -> list[dict]:
    """The items of the sidebar's Help submenu, as the admin sends them to the browser."""
    soup = BeautifulSoup(html, "html.parser")
    props = json.loads(soup.find(id="wagtail-sidebar-props").string)

    def walk(node):
        if isinstance(node, dict):
            args = node.get("_args")
            if (
                isinstance(args, list)
                and args
                and isinstance(args[0], dict)
                and args[0].get("name") == "help"
            ):
                return [item["_args"][0] for item in args[1]]
            for value in node.values():
                found = walk(value)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found is not None:
                    return found
        return None

    items = walk(props)
    assert items is not None, "no Help menu in the sidebar"
    return items


def _text(html: str) -> str:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    return " ".join(main.get_text(" ", strip=True).split())


def test_url_is_the_admin_help():
    assert reverse("kb_admin_help") == HELP_URL


@pytest.mark.parametrize("username", ["editor", "head"])
def test_help_menu_and_dashboard_link_the_russian_help_only(client, kb, username):
    client.force_login(kb["users"][username])
    html = client.get("/admin/").content.decode()

    items = _help_menu(html)
    labels = {item["label"]: item.get("url") for item in items}
    assert labels.get("Справка для редакторов и руководителей") == HELP_URL
    assert not any("wagtail.org" in (item.get("url") or "") for item in items), items
    assert not any("Wagtail" in item["label"] for item in items), items

    # The dashboard's account box links it too, not Wagtail's English editor guide.
    soup = BeautifulSoup(html, "html.parser")
    links = {a["href"]: a.get_text(strip=True) for a in soup.select("main a[href]")}
    assert links.get(HELP_URL) == "Справка для редакторов и руководителей"
    assert not [href for href in links if "guide.wagtail.org" in href]


def test_editor_reads_the_help_in_russian_with_the_real_labels(client, kb):
    client.force_login(kb["users"]["editor"])
    response = client.get(HELP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="wagtail-sidebar-props"' in html, "rendered inside the admin"
    text = _text(html)
    for heading in (
        "Справка для редакторов и руководителей",
        "Как написать статью",
        "Как отправить статью на согласование",
        "Как согласовать статью или вернуть её на доработку (для руководителей)",
        "Как отметить, что статья проверена",
    ):
        assert heading in text
    # The labels of the admin itself, for the editor's unit (ОДС).
    assert "«Сохранить черновик»" in text
    assert '«Отправить в "Публикация в базе знаний: ОДС"»' in text
    assert "«Отправить повторно: Согласование руководителем: ОДС»" in text
    assert "«Согласовать и опубликовать»" in text and "«Вернуть на доработку»" in text
    assert "«Ожидают вашей проверки»" in text and "«База знаний: на проверку»" in text
    assert "На вкладке «Актуальность» укажите в поле «Дата проверки»" in text
    # The placeholders of typical answers as editors write them (kb.typical_answers).
    assert "{имя_заявителя}" in text and "{client_name}" not in text
    for english in ("How to", "Save draft", "Submit to", "editor", "Wagtail"):
        assert english not in text


def test_head_of_another_unit_sees_their_own_workflow(client, kb):
    client.force_login(kb["users"]["head2"])
    text = _text(client.get(HELP_URL).content.decode())
    assert '«Отправить в "Публикация в базе знаний: ОКИ"»' in text
    assert "ОДС" not in text


@pytest.mark.parametrize("username", ["reader", "client"])
def test_people_without_admin_access_are_refused(client, kb, username):
    client.force_login(kb["users"][username])
    response = client.get(HELP_URL)
    assert response.status_code in (302, 403)
    assert "Как написать статью" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, kb):
    response = client.get(HELP_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]
