"""Login-required intranet pages, the Russian UI, and the admin for each role."""

import pytest
from django.urls import reverse

from intranet.demo import DEMO_PASSWORD, USERS

pytestmark = pytest.mark.django_db

INTRANET_PAGES = ["/", "/staff/", "/reception/", "/about/"]


@pytest.fixture
def demo_debug(org_demo):
    return org_demo


@pytest.mark.parametrize("path", INTRANET_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, demo_debug, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_public_endpoints_need_no_login(client, demo_debug):
    assert client.get("/health/").status_code == 200
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Вход в интранет" in html
    assert "Имя пользователя" in html


def test_failed_login_is_explained_in_russian(client, demo_debug):
    response = client.post(reverse("login"), {"username": "reader", "password": "nope"})
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()


@pytest.mark.parametrize("spec", USERS, ids=[u.username for u in USERS])
def test_every_demo_role_can_log_in_and_read_the_intranet(client, demo_debug, spec):
    response = client.post(reverse("login"), {"username": spec.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "login succeeded"
    for path in INTRANET_PAGES:
        assert client.get(path).status_code == 200, path


def test_home_page_offers_search_kb_and_questions(client, demo_debug):
    client.login(username="reader", password=DEMO_PASSWORD)
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    assert "Задать вопрос" in html
    assert "Мои вопросы" in html
    assert "Справочник сотрудников" in html


def test_staff_directory_lists_people_by_unit_with_rooms(client, demo_debug):
    client.login(username="reader", password=DEMO_PASSWORD)
    html = client.get("/staff/").content.decode()
    assert "Отдел по урегулированию конфликта интересов и соблюдению запретов" in html
    assert "Морозова Ирина Павловна" in html
    assert "309" in html
    # Clients outside the department are not door-sign material.
    assert "Иванов Иван Иванович" not in html


def test_staff_directory_filters_by_unit(client, demo_debug):
    from intranet.models import Unit

    client.login(username="reader", password=DEMO_PASSWORD)
    oki = Unit.objects.get(short_name="ОКИ")
    html = client.get("/staff/", {"unit": oki.pk}).content.decode()
    assert "Морозова Ирина Павловна" in html
    assert "Соколов Андрей Викторович" not in html


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("admin", True),
        ("editor", True),
        ("head", True),
        ("registrar", True),
        ("executor", True),
        ("client", False),
        ("reader", False),
    ],
)
def test_admin_access_by_role(client, demo_debug, username, allowed):
    client.login(username=username, password=DEMO_PASSWORD)
    response = client.get("/admin/")
    if allowed:
        assert response.status_code == 200
        assert 'lang="ru"' in response.content.decode()
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_admin_manages_units_and_people_in_russian(client, demo_debug):
    client.login(username="admin", password=DEMO_PASSWORD)
    units = client.get("/admin/org/units/")
    assert units.status_code == 200
    assert "Сектор документационного обеспечения" in units.content.decode()
    assert client.get("/admin/org/staff/").status_code == 200
    add_user = client.get("/admin/users/new/").content.decode()
    assert "Отчество" in add_user


def test_only_administrators_manage_units(client, demo_debug):
    client.login(username="editor", password=DEMO_PASSWORD)
    assert client.get("/admin/org/units/").status_code in (302, 403)
    assert client.get("/admin/users/").status_code in (302, 403)


def test_staff_directory_search_ignores_case_of_cyrillic(client, demo_debug):
    client.login(username="reader", password=DEMO_PASSWORD)
    html = client.get("/staff/", {"q": "морозова"}).content.decode()
    assert "Морозова Ирина Павловна" in html
    assert "Соколов Андрей Викторович" not in html
    html = client.get("/staff/", {"q": "ГЛАВНЫЙ специалист 307"}).content.decode()
    assert "Кузнецова Мария Андреевна" in html
    assert "Фёдорова Анна Михайловна" not in html


def test_directory_text_follows_renames(client, demo_debug):
    from intranet.accounts.models import User
    from intranet.models import Unit

    user = User.objects.get(username="head2")
    user.last_name = "Орлова"
    user.save()
    unit = Unit.objects.get(short_name="ОКИ")
    unit.name = "Отдел этики"
    unit.save()
    client.login(username="reader", password=DEMO_PASSWORD)
    html = client.get("/staff/", {"q": "орлова этики"}).content.decode()
    assert "Орлова Ирина Павловна" in html


def test_door_signs_list_each_room_with_its_staff(client, demo_debug):
    client.login(username="reader", password=DEMO_PASSWORD)
    response = client.get("/staff/doors/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Таблички на двери кабинетов" in html
    room_309 = html.split("Кабинет 309")[1].split('class="door-sign"')[0]
    assert "Морозова Ирина Павловна" in room_309
    assert "Попов Сергей Иванович" in room_309
    assert "Кузнецова Мария Андреевна" not in room_309


def test_every_page_names_its_icon_so_browsers_ask_for_no_missing_favicon(client, demo_debug):
    """The layout links an icon that exists among the static files (a browser that finds
    no icon link asks for /favicon.ico, a 404), on the login page and behind it."""
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    pages = [reverse("login")]
    for path in pages + ["/"]:
        if path == "/":
            client.force_login(demo_debug["reader"])
        html = client.get(path).content.decode()
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
        assert icon, f"{path}: no icon link"
        found = finders.find(icon.group(1))
        assert found and Path(found).read_text().startswith("<svg"), icon.group(1)
