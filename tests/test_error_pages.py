"""Error pages and API errors in Russian (issue 16).

The HTML error pages (400, 403, the CSRF refusal, 404, 500, 503) say in Russian what
happened and what to do, inside the site's layout, with DEBUG off. The API answers JSON
only, and its errors are in Russian even for a caller whose Accept-Language is English.
/favicon.ico sends browsers to the intranet's icon."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def assert_error_page(response, status, *texts):
    """An error page: its status, in Russian, in the site's layout."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert 'class="skip-link" href="#main"' in html and 'class="site-header"' in html
    assert '<main id="main"' in html and "Что можно сделать" in html
    assert '<a href="/">На главную</a>' in html
    for text in texts:
        assert text in html, text
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification"):
        assert english not in html
    return html


# --- HTML pages ---------------------------------------------------------------------------


def test_404_page_anonymous_and_signed_in(org):
    anonymous = Client()
    html = assert_error_page(anonymous.get("/no-such-page/", **ENGLISH), 404, "Страница не найдена")
    assert 'href="/search/"' in html and "кнопкой «Назад»" in html
    assert "Войти" in html  # the user box: the anonymous visitor may sign in
    staff = Client()
    staff.force_login(org.reader)
    html = assert_error_page(staff.get("/cases/no-such-page/"), 404, "Страница не найдена")
    assert org.reader.get_short_name() in html


def test_403_page_without_and_with_a_message(org):
    """A refusal without a message says it in general words; a view's own message (a
    PermissionDenied raised with one) is shown, in Russian."""
    client = Client()
    client.force_login(org.reader)
    html = assert_error_page(
        client.get(reverse("quality:queue"), **ENGLISH), 403, "Доступ запрещён"
    )
    assert "У вас нет прав открыть эту страницу" in html
    assert "руководителю своего подразделения" in html


@pytest.mark.urls("tests.error_urls")
def test_403_page_shows_the_refusals_message(org):
    client = Client()
    client.force_login(org.executor)
    html = assert_error_page(client.get("/test-errors/refuses/", **ENGLISH), 403, "Доступ запрещён")
    assert "Продлить срок может только руководитель подразделения." in html
    assert "У вас нет прав открыть эту страницу" not in html


def test_csrf_refusal_page_in_the_layout_with_the_user(org):
    client = Client(enforce_csrf_checks=True)
    html = assert_error_page(
        client.post(reverse("login"), {"username": "x", "password": "y"}, **ENGLISH),
        403,
        "Форма не принята",
        "обновите страницу и отправьте форму ещё раз",
    )
    client.force_login(org.client)
    html = assert_error_page(client.post(reverse("cases:new"), {}), 403, "Форма не принята")
    assert org.client.get_short_name() in html  # rendered with the request
    assert "Reason given" not in html and "CSRF token" not in html


def test_400_page(org, settings):
    """A request Django refuses as suspicious (more form fields than it accepts)."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    form = {"username": "x", "password": "y", "next": "/"}
    html = assert_error_page(
        Client().post(reverse("login"), form, **ENGLISH), 400, "Неверный запрос"
    )
    assert "адрес или отправленные данные повреждены" in html


@pytest.mark.urls("tests.error_urls")
def test_500_page(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.reader)
    html = assert_error_page(
        client.get("/test-errors/fails/", **ENGLISH),
        500,
        "Ошибка на сервере",
        "Ошибка записана в журнал сервера",
    )
    # Rendered without the request: no user box, rather than a wrong «Войти».
    assert "Войти" not in html and "Выйти" not in html


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html"])
def test_pages_rendered_without_a_request_touch_no_database(template, django_assert_num_queries):
    """Django renders 400 and 500 without the request, and the 503 page is shown when the
    database is gone: the layout must need no query then."""
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        html = render_to_string(template)
    assert 'class="skip-link"' in html and "Что можно сделать" in html


def test_503_page_in_the_layout(org):
    from django.db import OperationalError
    from django.test import RequestFactory

    from intranet.middleware import DatabaseUnavailableMiddleware

    request = RequestFactory().get("/cases/new/")
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, OperationalError("connection lost")
    )
    assert_error_page(response, 503, "Сервис временно недоступен", "ничего не сохранено")


# --- API ----------------------------------------------------------------------------------


def _detail(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


def test_api_errors_are_in_russian_for_an_english_caller(org):
    anonymous = Client()
    assert _detail(anonymous.get("/api/cases/", **ENGLISH), 403) == (
        "Учетные данные не были предоставлены."
    )
    client = Client()
    client.force_login(org.client)
    assert _detail(client.get("/api/cases/999999/", **ENGLISH), 404) == "Не найдено."
    assert _detail(client.delete("/api/cases/", **ENGLISH), 405) == 'Метод "DELETE" не разрешен.'
    assert _detail(client.post("/api/cases/register/", {}, **ENGLISH), 403) == (
        "У вас недостаточно прав для выполнения данного действия."
    )
    broken = client.post("/api/cases/", "{not json", content_type="application/json", **ENGLISH)
    assert _detail(broken, 400) == (
        "Не удалось прочитать тело запроса: отправьте корректный JSON или данные формы."
    )
    invalid = client.post("/api/cases/", {}, content_type="application/json", **ENGLISH)
    assert invalid.status_code == 400
    assert invalid.json()["text"] == ["Обязательное поле."]


def test_api_csrf_refusal_is_in_russian(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.client)
    refused = client.post("/api/cases/", {}, content_type="application/json", **ENGLISH)
    assert _detail(refused, 403) == (
        "Запрос не прошёл проверку CSRF: передайте токен CSRF в заголовке X-CSRFToken."
    )


@pytest.mark.urls("tests.error_urls")
def test_api_unknown_address_and_server_error_answer_json(org):
    client = Client(raise_request_exception=False)
    client.force_login(org.client)
    assert _detail(client.get("/api/no-such-thing/", **ENGLISH), 404) == "Не найдено."
    assert _detail(client.get("/api/test-errors/fails/", **ENGLISH), 500) == (
        "Произошла ошибка на сервере."
    )


def test_knowledge_base_api_errors_are_in_russian(org):
    client = Client()
    response = client.get("/api/v2/kb/999999/", **ENGLISH)
    assert response.status_code == 404 and response.json() == {"message": "Не найдено."}
    response = client.get("/api/v2/kb/", {"limit": "many"}, **ENGLISH)
    message = response.json()["message"]
    assert response.status_code == 400
    assert message.startswith("Неверные параметры запроса. Параметры этого адреса: ")
    names = message.removesuffix(".").split(": ")[1].split(", ")
    assert {"limit", "offset", "fields", "section", "kind"} <= set(names) and "_" not in names
    response = client.get("/api/v2/kb/", {"section": "no-such-section"}, **ENGLISH)
    assert response.status_code == 400 and response.json() == {"message": "Такого раздела нет."}
    response = client.get("/api/v2/kb/", {"kind": "poem"}, **ENGLISH)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Параметр kind принимает одно из значений: ")


@pytest.mark.parametrize("url", ["/api/cases/", "/api/v2/kb/"])
def test_api_answers_json_to_a_browser(url, org):
    """No browsable (English) HTML pages: a browser gets the JSON."""
    client = Client()
    client.force_login(org.client)
    response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    response.json()
    only_html = client.get(url, HTTP_ACCEPT="text/html")
    assert only_html.status_code == 406 and only_html["Content-Type"] == "application/json"


def test_api_schema_and_docs_still_work(org):
    client = Client()
    client.force_login(org.registrar)
    schema = client.get("/api/schema/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert schema.status_code == 200
    assert "cookieAuth" in schema.content.decode()  # the session scheme is described
    docs = client.get("/api/docs/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert docs.status_code == 200 and docs["Content-Type"].startswith("text/html")


# --- /favicon.ico -------------------------------------------------------------------------


def test_favicon_ico_redirects_permanently_to_the_icon():
    from pathlib import Path

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("intranet/favicon.svg")
    found = finders.find(response["Location"].removeprefix("/static/"))
    assert found and Path(found).read_text().startswith("<svg")
