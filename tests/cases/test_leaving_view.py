"""An action that takes the case out of the actor's own view is a success, not an error.

A registrar sees a confidential case until it is routed; a head of a parent unit sees a
confidential case of the unit they head directly, not of the units below. Routing it
commits the change and ends their view: the API answers 200 with `audience`
"out_of_view" and says so in Russian (it answered 500, Case.DoesNotExist, re-reading
the case through the visibility the assignment had just ended); the workspace's form
goes back to the queue with the same message (the case page would be a 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import services
from cases.choices import Status
from cases.models import Case

pytestmark = pytest.mark.django_db

LEFT = "Изменение сохранено. Обращение {number} вам больше не видно: конфиденциальное"


def _confidential(org, make_case, who: str) -> tuple:
    """A confidential case `who` may route, and where they route it."""
    case = make_case(state="triaged", is_confidential=True, subject="Конфиденциально")
    if who == "registrar":
        return case, {"unit": org.units["ОКИ"].pk, "executor": org.executor2.pk}
    # chief heads УПК, above ОДС: a confidential case of УПК itself, passed down.
    services.assign(case, org.registrar, unit=org.units["УПК"])
    return case, {"unit": org.units["ОДС"].pk, "executor": org.executor.pk, "reason": "По теме"}


@pytest.mark.parametrize("who", ["registrar", "chief"])
def test_the_api_answers_out_of_view_after_routing(client, org, make_case, who):
    case, data = _confidential(org, make_case, who)
    client.force_login(org.users[who])
    response = client.post(f"/api/cases/{case.pk}/assign/", data, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["audience"] == "out_of_view"
    assert body["id"] == case.pk and body["registration_number"] == case.registration_number
    assert body["detail"].startswith(LEFT.format(number=case.registration_number))
    assert set(body) == {"audience", "id", "registration_number", "detail"}  # no case data
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.unit_id == data["unit"]
    assert case.executor_id == data["executor"]
    assert client.get(f"/api/cases/{case.pk}/").status_code == 404  # it did leave the view


@pytest.mark.parametrize("who", ["registrar", "chief"])
def test_the_workspace_form_goes_back_to_the_queue(client, org, make_case, who):
    case, data = _confidential(org, make_case, who)
    client.force_login(org.users[who])
    response = client.post(reverse("cases:assign", args=[case.pk]), data)
    assert response.status_code == 302 and response["Location"] == reverse("cases:workspace")
    page = client.get(response["Location"]).content.decode()
    assert LEFT.format(number=case.registration_number) in page
    assert Case.objects.get(pk=case.pk).executor_id == data["executor"]


def test_routing_that_keeps_the_case_in_view_shows_the_case(client, org, make_case):
    case = make_case(state="triaged")
    client.force_login(org.registrar)
    data = {"unit": org.units["ОКИ"].pk, "executor": org.executor2.pk}
    response = client.post(f"/api/cases/{case.pk}/assign/", data, content_type="application/json")
    assert response.status_code == 200 and response.json()["audience"] == "staff"
    response = client.post(reverse("cases:assign", args=[case.pk]), dict(data, reason="Иначе"))
    assert response["Location"] == case.get_absolute_url()
