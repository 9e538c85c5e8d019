"""/media/ under DEBUG (`make run`): uploaded files are served with the permission checks
production has, not to anyone signed in. A document of a Wagtail collection restricted
to a group is refused to a user outside the group and served to one inside it, exactly as
at its /documents/ address; an image is served; the files of cases are served only by
their own permission-checked views."""

import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches

from tests.security import files

pytestmark = pytest.mark.django_db

SECRET = b"%PDF-1.4\n% a restricted collection's document\n" + files.PDF


@pytest.fixture
def development(settings):
    """DEBUG on, and the URLconf as `make run` builds it (it reads DEBUG when imported)."""
    import intranet.urls

    before = settings.DEBUG
    settings.DEBUG = True
    importlib.reload(intranet.urls)
    clear_url_caches()
    yield
    settings.DEBUG = before
    importlib.reload(intranet.urls)
    clear_url_caches()


@pytest.fixture
def restricted_document(org):
    """A document in a collection that only one group may view; org.head is in it."""
    from django.contrib.auth.models import Group
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Проверки (только группа)")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    group = Group.objects.create(name="Проверяющие (тест media)")
    restriction.groups.add(group)
    org.head.groups.add(group)
    document = get_document_model()(title="Методика проверки", collection=collection)
    document.file.save("metodika.pdf", ContentFile(SECRET), save=False)
    document.save()
    return document


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _media_url(name: str) -> str:
    return f"/media/{name}"


@pytest.mark.parametrize("outsider", ["executor", "reader", "client"])
def test_a_restricted_collections_file_is_refused_outside_the_group(
    development, org, restricted_document, outsider
):
    client = Client()
    client.force_login(getattr(org, outsider))
    url = _media_url(restricted_document.file.name)
    assert url.startswith("/media/documents/")
    response = client.get(url)
    assert response.status_code in (302, 403, 404), response.status_code
    assert SECRET not in _body(response)
    # The same refusal as at the document's own address.
    assert client.get(restricted_document.url).status_code == response.status_code
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and SECRET not in _body(anonymous)


def test_a_restricted_collections_file_is_served_inside_the_group(
    development, org, restricted_document
):
    client = Client()
    client.force_login(org.head)
    response = client.get(_media_url(restricted_document.file.name))
    assert response.status_code == 200
    assert _body(response) == SECRET
    # As a download, with the headers of Wagtail's document view.
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_case_files_are_not_served_from_media_and_images_are(development, org):
    from wagtail.images import get_image_model

    from cases.models import Attachment

    attachment = Attachment.objects.create(
        file=SimpleUploadedFile("spravka.pdf", files.PDF),
        original_name="spravka.pdf",
        uploaded_by=org.client,
    )
    image = get_image_model().objects.create(
        title="Схема проезда", file=ImageFile(io.BytesIO(files.image_bytes("PNG")), "shema.png")
    )
    client = Client()
    client.force_login(org.client)  # even the uploader: the case's own view serves it
    assert attachment.file.name.startswith("cases/")
    assert client.get(_media_url(attachment.file.name)).status_code == 404
    assert client.get("/media/documents/no-such-file.pdf").status_code == 404
    assert client.get("/media/../settings.py").status_code == 404
    response = client.get(_media_url(image.file.name))
    assert response.status_code == 200
    assert _body(response) == files.image_bytes("PNG")
