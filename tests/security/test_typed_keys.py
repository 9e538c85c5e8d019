"""Keys typed or submitted as text («²», a number past the column's range) are read as no
key: never a server error (the fuzz test met «²» on the registrar's client field)."""

import pytest

pytestmark = pytest.mark.django_db

NOT_KEYS = ["²", "١٢", "99999999999999999999", "-3", "0", " "]


def test_the_key_helper_takes_ascii_digits_in_range_only():
    from intranet.keys import MAX_KEY, key_from

    assert [key_from(value) for value in NOT_KEYS] == [None] * len(NOT_KEYS)
    assert key_from(" 42 ") == 42
    assert key_from(7) == 7
    assert key_from(str(MAX_KEY)) == MAX_KEY
    assert key_from(str(MAX_KEY + 1)) is None


def test_client_lookup_and_kept_uploads_ignore_what_is_no_key(demo):
    from cases import client_search, uploads

    for value in NOT_KEYS:
        assert client_search.resolve(value) == []
    assert uploads.kept_for(demo["client"], NOT_KEYS) == []
    assert client_search.resolve(str(demo["client"].pk)) == [demo["client"]]


@pytest.mark.parametrize("value", NOT_KEYS)
def test_pages_read_a_wrong_key_as_none(client, demo, value):
    """The staff directory's unit filter, the KB API's section and the acknowledgement
    sheet's article answer a page or a clear refusal, never a server error."""
    from wagtail.models import Page

    from intranet.models import StaffDirectoryPage

    client.force_login(demo["head"])
    directory = Page.objects.type(StaffDirectoryPage).live().first().url
    assert client.get(directory, {"unit": value}).status_code == 200
    assert client.get("/kb/acknowledgements/new/", {"article": value}).status_code == 200
    api = client.get("/api/v2/kb/", {"section": value})
    assert api.status_code in (200, 400), api.status_code
