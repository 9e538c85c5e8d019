"""Security headers on ordinary pages, the admin, and downloads."""

import pytest
from django.core.files.base import ContentFile

from tests.security import files

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_page_has_the_strict_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _assert_common_headers(response)
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_an_intranet_page_has_the_strict_policy(client, org_demo):
    client.force_login(org_demo["reader"])
    response = client.get("/")
    assert response.status_code == 200
    _assert_common_headers(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert _csp(response)["script-src"] == "'self'"


def test_wagtail_admin_gets_inline_allowances_and_nothing_more(client, org_demo):
    client.force_login(org_demo["admin"])
    response = client.get("/admin/")
    assert response.status_code == 200
    _assert_common_headers(response)
    csp = _csp(response)
    assert csp["script-src"] == "'self' 'unsafe-inline'"
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "gravatar" not in response.content.decode()


def test_admin_login_page_has_the_admin_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_health_endpoint_carries_headers_too(client):
    response = client.get("/health/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_wagtail_documents_download_as_attachments_with_their_own_policy(client, org_demo):
    from wagtail.documents import get_document_model

    Document = get_document_model()
    doc = Document(title="Справка")
    doc.file.save("spravka.pdf", ContentFile(files.PDF), save=False)
    doc.save()
    # A document no live article uses is served to the people who work with documents
    # (kb.attachments.may_download), an editor here.
    client.force_login(org_demo["editor"])
    response = client.get(doc.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_wagtail_refuses_a_disguised_document_upload(client, org_demo):
    client.force_login(org_demo["admin"])
    from wagtail.models import Collection

    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Отчёт",
            "collection": Collection.get_first_root_node().pk,
            "file": files.upload("report.pdf", files.HTML),
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "веб-страницей" in response.content.decode()
    from wagtail.documents import get_document_model

    assert not get_document_model().objects.filter(title="Отчёт").exists()


def test_wagtail_refuses_svg_images(client, org_demo):
    from django.conf import settings

    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    client.force_login(org_demo["admin"])
    from wagtail.models import Collection

    response = client.post(
        "/admin/images/add/",
        {
            "title": "Логотип",
            "collection": Collection.get_first_root_node().pk,
            "file": files.upload("logo.svg", files.SVG, "image/svg+xml"),
        },
    )
    assert response.status_code == 200
    from wagtail.images import get_image_model

    assert not get_image_model().objects.filter(title="Логотип").exists()
