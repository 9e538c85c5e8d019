"""Every read of a confidential case's text is in the audit log, not only its page: a
search hit shows a snippet of the text (the search page and its JSON twin), and an
action of the cases API answers with the whole case. Checked on the search corpus
(tests/search/corpus.py): the confidential case of client2 (unit ОКИ, executor2) and
another, not confidential, case of the same unit and executor."""

from __future__ import annotations

import pytest

from intranet.audit.models import AuditAction, AuditEvent
from tests.search.conftest import corpus  # noqa: F401  (fixture)
from tests.search.corpus import CASES

pytestmark = pytest.mark.django_db


def _reads(case) -> list[dict]:
    events = AuditEvent.objects.filter(action=AuditAction.CONFIDENTIAL_READ,
                                       object_id=str(case.pk))  # fmt: skip
    return [event.details for event in events]


def _case(subject: str):
    from cases.models import Case

    return Case.objects.get(subject=subject)


def test_a_search_showing_a_confidential_snippet_is_a_read(client, corpus):  # noqa: F811
    confidential, other = _case(CASES["confidential"]), _case(CASES["other"])
    client.force_login(corpus.users["executor2"])
    page = client.get("/search/", {"q": "руководитель требует подписать акт"})
    assert page.status_code == 200
    assert "невыполненных работ" in page.content.decode()  # the snippet of its text
    assert [details["via"] for details in _reads(confidential)] == ["search"]
    api = client.get("/api/search/", {"q": "руководитель требует подписать акт", "kind": "case"})
    assert [hit["id"] for hit in api.json()["results"]] == [confidential.pk]
    assert len(_reads(confidential)) == 2
    # A case that is not confidential: found, shown, not recorded.
    found = client.get("/api/search/", {"q": "снимаю квартиру у директора", "kind": "case"})
    assert [hit["id"] for hit in found.json()["results"]] == [other.pk]
    assert client.get("/search/", {"q": "снимаю квартиру у директора"}).status_code == 200
    assert _reads(other) == [] and len(_reads(confidential)) == 2


def test_a_search_that_does_not_show_the_case_records_nothing(client, corpus):  # noqa: F811
    client.force_login(corpus.users["registrar"])  # may not open the confidential case
    page = client.get("/search/", {"q": "руководитель требует подписать акт"})
    assert page.status_code == 200 and "невыполненных работ" not in page.content.decode()
    assert _reads(_case(CASES["confidential"])) == []


def test_an_api_action_answering_with_a_confidential_case_is_a_read(client, corpus):  # noqa: F811
    confidential, other = _case(CASES["confidential"]), _case(CASES["other"])
    client.force_login(corpus.users["executor2"])
    for case in (confidential, other):
        response = client.post(f"/api/cases/{case.pk}/clarify/",
                               {"question": "Когда вам принесли акт?"},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 200, response.content
        assert response.json()["text"] == case.text
    assert [details["via"] for details in _reads(confidential)] == ["api:clarify"]
    assert _reads(other) == []
