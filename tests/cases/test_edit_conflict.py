"""Two people changing the same answer at once: no lost update. The answer form carries
the version it was opened at; a save over someone else's newer save is refused with a
clear message (409), the typed text stays in the form, and the next save goes through."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Answer, AnswerKind

pytestmark = pytest.mark.django_db


def _draft(case, user, body):
    return services.save_answer(case, user, kind=AnswerKind.MERITS, body=f"<p>{body}</p>")


def _form(body, version, kind=AnswerKind.MERITS):
    return {"kind": kind, "body": body, "grounds": "", "link_url": "", "no_answer_ground": "",
            "version": version, "save": "1"}  # fmt: skip


def test_second_editor_gets_a_conflict_and_keeps_the_text(client, org, make_case):
    case = make_case(state="assigned", co_executors=["executor2"])
    _draft(case, org.executor, "Первый вариант.")
    # Both open the case page: the form carries the version they saw.
    client.force_login(org.executor2)
    page = client.get(case.get_absolute_url())
    opened_at = page.context["answer_form"].initial["version"]
    assert opened_at == services.answer_version(Answer.objects.get(case=case))
    # The executor saves first.
    _draft(case, org.executor, "Исправленный вариант исполнителя.")
    # The co-executor's save would overwrite it: refused, with their text kept.
    response = client.post(reverse("cases:answer", args=[case.pk]),
                           _form("Мой вариант соисполнителя.", opened_at))  # fmt: skip
    assert response.status_code == 409
    html = response.content.decode()
    assert "Пока вы редактировали ответ" in html
    assert "Мой вариант соисполнителя." in html
    assert "Исправленный вариант исполнителя." in Answer.objects.get(case=case).body
    # The form now carries the stored version: saving again (after comparing) goes through.
    newer = response.context["answer_form"]["version"].value()
    assert newer == services.answer_version(Answer.objects.get(case=case))
    response = client.post(reverse("cases:answer", args=[case.pk]),
                           _form("Сводный вариант.", newer))  # fmt: skip
    assert response.status_code == 302
    assert "Сводный вариант." in Answer.objects.get(case=case).body


def test_first_draft_by_two_people_at_once(client, org, make_case):
    """Both open a case with no answer yet (version ""); the second save is refused."""
    case = make_case(state="assigned", co_executors=["executor2"])
    _draft(case, org.executor, "Черновик исполнителя.")
    client.force_login(org.executor2)
    response = client.post(reverse("cases:answer", args=[case.pk]), _form("Мой черновик.", ""))
    assert response.status_code == 409
    assert "Черновик исполнителя." in Answer.objects.get(case=case).body


def test_api_conflict_is_409_and_the_version_is_published(client, org, make_case):
    case = make_case(state="assigned", co_executors=["executor2"])
    _draft(case, org.executor, "Первый вариант.")
    client.force_login(org.executor2)
    detail = client.get(f"/api/cases/{case.pk}/").json()
    version = detail["answer"]["version"]
    _draft(case, org.executor, "Новее.")
    url = f"/api/cases/{case.pk}/answer/"
    response = client.post(url, {"kind": "merits", "body": "Старое.", "version": version},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 409
    assert "Пока вы редактировали ответ" in response.json()["detail"]
    fresh = client.get(f"/api/cases/{case.pk}/").json()["answer"]["version"]
    response = client.post(url, {"kind": "merits", "body": "Сводный.", "version": fresh},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    # Without a version (an older client) the save is not checked, as before.
    response = client.post(url, {"kind": "merits", "body": "Без версии."},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_on_postgresql_one_wins_one_is_told(org, make_case):
    """Two real transactions at the same instant with the same version: the row lock
    serialises them, exactly one save lands, the other gets EditConflict."""
    case = make_case(state="assigned", co_executors=["executor2"])
    _draft(case, org.executor, "Исходный.")
    version = services.answer_version(Answer.objects.get(case=case))
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, body):
        try:
            barrier.wait(timeout=30)
            services.save_answer(case, user, kind=AnswerKind.MERITS, body=f"<p>{body}</p>",
                                 version=version)  # fmt: skip
            outcomes.append(("saved", body))
        except services.EditConflict:
            outcomes.append(("conflict", body))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(org.executor, "Вариант А.")),
               threading.Thread(target=save, args=(org.executor2, "Вариант Б."))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _body in outcomes) == ["conflict", "saved"]
    winner = next(body for kind, body in outcomes if kind == "saved")
    assert winner in Answer.objects.get(case=case).body
