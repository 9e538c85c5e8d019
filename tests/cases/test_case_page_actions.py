"""The case page built around actions: one action open at a time (?action=), only the
fields of the answer's kind, the answer's text never as markup in a textarea, the
letter's preview from unsaved text, the buttons the user's role and the case's state
allow, the head's view of what changed, and executors' requests for an extension. Each
from the refused side too."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from cases import services
from cases.models import Answer, AnswerRevision, AnswerStatus, EventKind, UnitCaseSettings
from tests.html import soup, text

pytestmark = pytest.mark.django_db


def _panels(page) -> dict[str, bool]:
    """{action: shown} of the case page's action panels."""
    return {
        panel["data-panel"]: not panel.has_attr("hidden")
        for panel in page.select("section.action-panel")
    }


def _kinds(page) -> dict[str, bool]:
    return {box["data-kind"]: not box.has_attr("hidden") for box in page.select(".kind-fields")}


def _form(body="", kind="merits", fmt="text", **extra):
    return {"kind": kind, "body": body, "body_format": fmt, "grounds": "", "link_url": "",
            "no_answer_ground": "", **extra}  # fmt: skip


def test_one_action_at_a_time_chosen_by_the_query(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    page = soup(client.get(case.get_absolute_url()))
    bar = [a["data-action"] for a in page.select(".case-actions a")]
    assert bar == ["answer", "clarify", "request", "forward", "extend", "note"]
    assert _panels(page) == {
        "answer": True,
        "clarify": False,
        "request": False,
        "forward": False,
        "extend": False,
        "note": False,
    }
    page = soup(client.get(case.get_absolute_url() + "?action=clarify"))
    assert [key for key, shown in _panels(page).items() if shown] == ["clarify"]
    assert page.select_one('.case-actions a[aria-current="true"]')["data-action"] == "clarify"
    # An executor asks the head for an extension; the head extends.
    assert "Попросить руководителя продлить срок" in text(page.select_one("#action-extend h2"))
    # An action the user may not take is no action: the default opens.
    page = soup(client.get(case.get_absolute_url() + "?action=assign"))
    assert [key for key, shown in _panels(page).items() if shown] == ["answer"]
    # A form with errors opens its own action again.
    response = client.post(reverse("cases:forward", args=[case.pk]), {"body_name": ""})
    assert response.status_code == 400
    assert [key for key, shown in _panels(soup_of(response)).items() if shown] == ["forward"]


def soup_of(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content.decode(), "html.parser")


def test_registrar_in_triage_is_offered_only_forwarding(client, org, make_case):
    """Of the case's steps only forwarding (and the internal note every staff member of
    the case may write)."""
    case = make_case(state="triaged")
    client.force_login(org.registrar)
    page = soup(client.get(case.get_absolute_url()))
    assert [a["data-action"] for a in page.select(".case-actions a")] == ["forward", "note"]
    assert page.select_one("#answer-form") is None


def test_only_the_fields_of_the_kind_shown(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    url = case.get_absolute_url()
    assert _kinds(soup(client.get(url))) == {"refusal": False, "link": False, "no_answer": False}
    assert _kinds(soup(client.get(url + "?kind=refusal")))["refusal"] is True
    # The saved draft's kind wins over nothing.
    services.save_answer(case, org.executor, kind="link", link_url="https://example.org/a/")
    assert _kinds(soup(client.get(url))) == {"refusal": False, "link": True, "no_answer": False}
    # Without JavaScript: «show the fields of this kind» keeps what is typed, saves nothing.
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        _form("Первая строка.\n\nВторая.", kind="no_answer", show_kind="1"),
    )
    assert response.status_code == 200
    page = soup(response)
    assert _kinds(page) == {"refusal": False, "link": False, "no_answer": True}
    assert page.select_one("#id_body").get_text().strip() == "Первая строка.\n\nВторая."
    assert Answer.objects.get(case=case).kind == "link"
    # Saving a kind keeps no field of another kind.
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        _form("Текст.", kind="merits", grounds="Старое основание", save="1",
              link_url="https://example.org/a/"),
    )  # fmt: skip
    assert response.status_code == 302
    answer = Answer.objects.get(case=case)
    assert (answer.kind, answer.grounds, answer.link_url) == ("merits", "", "")


def test_the_textarea_holds_text_and_typed_text_becomes_paragraphs(client, org, make_case):
    case = make_case(state="assigned")
    services.save_answer(case, org.executor, kind="merits",
                         body="<p>Первый абзац.</p><ul><li>пункт</li></ul>")  # fmt: skip
    client.force_login(org.executor)
    page = soup(client.get(case.get_absolute_url()))
    textarea = page.select_one("textarea#id_body").get_text()
    assert "<p>" not in textarea and "Первый абзац.\n\n• пункт" in textarea
    assert page.select_one("#answer-editor")["data-html"] == (
        "<p>Первый абзац.</p><ul><li>пункт</li></ul>"
    )
    version = page.select_one("input[name=version]")["value"]
    # Without JavaScript: lines typed after the typical answer keep their paragraphs.
    typed = "Первый абзац.\n\n• пункт\n\nДописано потом.\nНовая строка.\n\n<b>не разметка</b>"
    response = client.post(reverse("cases:answer", args=[case.pk]),
                           _form(typed, version=version, save="1"))  # fmt: skip
    assert response.status_code == 302
    assert Answer.objects.get(case=case).body == (
        "<p>Первый абзац.</p><ul><li>пункт</li></ul><p>Дописано потом.<br>Новая строка.</p>"
        "<p>&lt;b&gt;не разметка&lt;/b&gt;</p>"
    )
    # From the editor: its HTML, sanitised by the same rules as ever.
    version = services.answer_version(Answer.objects.get(case=case))
    html = '<p>Жирно: <strong>да</strong> <a href="javascript:alert(1)">x</a></p><script>1</script>'
    client.post(reverse("cases:answer", args=[case.pk]),
                _form(html, fmt="html", version=version, save="1"))  # fmt: skip
    assert (
        Answer.objects.get(case=case).body
        == '<p>Жирно: <strong>да</strong> <a rel="noopener noreferrer">x</a></p>'
    )


def test_preview_shows_the_letter_from_unsaved_text(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        _form("<p>Уважаемая {имя}!</p><p>Срок — <strong>30 апреля</strong>.</p>"
              "<p>Сдайте справку в {кабинет}.</p>", fmt="html", preview="1"),
    )  # fmt: skip
    assert response.status_code == 200
    page = soup(response)
    letter = page.select_one("#letter-preview .letter-card")
    # The official letter as its PDF and the portal show it: letterhead, formatting kept.
    assert "Срок —" in text(letter) and "Администрация Губернатора" in text(letter)
    assert letter.select_one(".letter-view strong").get_text() == "30 апреля"
    assert case.registration_number in text(letter.select_one(".letter-subject"))
    # The letter's own greeting replaces the one typed (cases.letters); a placeholder
    # left in the text is marked.
    assert "Уважаемый Иван Иванович!" in text(letter) and "{имя}" not in text(letter)
    assert letter.select_one("mark.placeholder").get_text() == "{кабинет}"
    # Nothing saved; what was typed is in the form again.
    assert not Answer.objects.filter(case=case).exists()
    assert "30 апреля" in page.select_one("#answer-editor")["data-html"]


def test_submit_is_refused_while_a_placeholder_is_left(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    response = client.post(reverse("cases:answer", args=[case.pk]),
                           _form("Срок до {срок_представления}.", submit="1"))  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Заполните поля, оставшиеся от типового ответа: {срок_представления}" in html
    assert Answer.objects.get(case=case).status == AnswerStatus.DRAFT
    assert "Срок до {срок_представления}." in soup_of(response).select_one("#id_body").get_text()


def _buttons(page) -> list[str]:
    return [text(b) for b in page.select("#action-answer button")]


def test_buttons_follow_the_state_and_the_role(client, org, make_case):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": True}
    )
    case = make_case(state="assigned")
    services.save_answer(case, org.executor, kind="merits", body="<p>Ответ.</p>")
    client.force_login(org.executor)
    buttons = _buttons(soup(client.get(case.get_absolute_url())))
    assert "Передать на согласование" in buttons
    assert not any("Зарегистрировать" in b for b in buttons)
    services.submit_answer(case, org.executor)
    page = soup(client.get(case.get_absolute_url()))
    assert _buttons(page) == []  # the letter, with the head: nothing to press
    assert "Ответ." in text(page.select_one("#action-answer .letter"))
    client.force_login(org.head)
    page = soup(client.get(case.get_absolute_url()))
    assert _buttons(page) == ["Согласовать", "Вернуть на доработку"]
    assert page.select_one(".answer-first-version") is not None
    services.approve_answer(case, org.head)
    assert "Зарегистрировать и отправить ответ" in _buttons(
        soup(client.get(case.get_absolute_url()))
    )
    client.force_login(org.executor)
    assert "Зарегистрировать и отправить ответ" in _buttons(
        soup(client.get(case.get_absolute_url()))
    )


def test_head_sees_what_changed_since_the_returned_version(client, org, make_case):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": True}
    )
    case = make_case(state="assigned")
    services.save_answer(case, org.executor, kind="merits",
                         body="<p>Справку сдают до 30 апреля.</p>")  # fmt: skip
    services.submit_answer(case, org.executor)
    services.return_answer(case, org.head, comment="Уточните, за какой год.")
    client.force_login(org.executor)
    page = soup(client.get(case.get_absolute_url()))
    assert "Уточните, за какой год." in text(page.select_one("#action-answer"))
    services.save_answer(case, org.executor, kind="merits",
                         body="<p>Справку за 2025 год сдают до 30 апреля.</p>")  # fmt: skip
    services.submit_answer(case, org.executor)
    assert list(
        AnswerRevision.objects.filter(answer__case=case).values_list("number", flat=True)
    ) == [1, 2]
    client.force_login(org.head)
    page = soup(client.get(case.get_absolute_url()))
    diff = page.select_one(".answer-changes .diff")
    assert [text(ins) for ins in diff.select("ins")] == ["[добавлено: за 2025 год ]"]
    assert diff.select("del") == []
    assert "Что изменилось после версии 1" in text(page.select_one(".answer-changes h3"))


def test_a_typical_answer_for_the_editor_and_without_javascript(demo, client, org, make_case):
    from kb.models import ArticlePage

    article = ArticlePage.objects.live().get(answer_code="ТО-001")
    case = make_case(state="assigned")
    # The client's name is the client's (Case.client_name reads the user's full name).
    case.client.last_name, case.client.first_name = "Петрова", "Мария"
    case.client.patronymic = "Ивановна"
    case.client.save(update_fields=["last_name", "first_name", "patronymic"])
    assert case.client_name == "Петрова Мария Ивановна"
    client.force_login(org.executor)
    url = reverse("cases:insert_typical", args=[case.pk])
    # The editor asks for it as JSON and puts it at the cursor: nothing is saved.
    response = client.post(url, {"code": "ТО-001"}, HTTP_ACCEPT="application/json")
    data = json.loads(response.content)
    # The greeting of an official letter, not «Уважаемый(ая) Петрова Мария Ивановна!».
    assert data["html"].startswith("<p>Уважаемая Мария Ивановна!")
    assert "{срок_представления}" in data["html"] and "срок_представления" in data["missing"]
    assert article.title in data["message"]
    assert not Answer.objects.filter(case=case).exists()
    # Without JavaScript the answer form goes along: what is typed stays, the answer is
    # added after it and the draft is saved.
    response = client.post(url, {**_form("Мой текст.\n\nВторой абзац."), "code": "ТО-001"})
    assert response.status_code == 302
    body = Answer.objects.get(case=case).body
    assert body.startswith("<p>Мой текст.</p><p>Второй абзац.</p><p>Уважаемая Мария Ивановна!")


@pytest.mark.parametrize("who", ["reader", "executor2", "registrar"])
def test_no_one_else_posts_the_answers_actions(client, org, make_case, who):
    """A reader, an executor of another unit and a registrar may not preview, switch the
    kind, insert a typical answer or ask for an extension on the executor's case."""
    case = make_case(state="assigned")
    client.force_login(getattr(org, who))
    for name, data in [
        ("cases:answer", _form("Текст", preview="1")),
        ("cases:answer", _form("Текст", show_kind="1")),
        ("cases:insert_typical", {"code": "ТО-001"}),
        ("cases:extension_request", {"until": "31.12.2099", "reason": "Ждём документы"}),
    ]:
        response = client.post(reverse(name, args=[case.pk]), data,
                               HTTP_ACCEPT="application/json")  # fmt: skip
        assert response.status_code in {403, 404}, (name, data, response.status_code)
    assert not Answer.objects.filter(case=case).exists()
    assert not case.events.filter(kind=EventKind.EXTENSION_REQUESTED).exists()


def test_executor_asks_for_an_extension_and_the_head_decides(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    url = reverse("cases:extension_request", args=[case.pk])
    until = (case.statutory_deadline + dt.timedelta(days=10)).strftime("%d.%m.%Y")
    response = client.post(url, {"until": until, "reason": ""})
    assert response.status_code == 400
    assert "Укажите причину продления" in response.content.decode()
    response = client.post(url, {"until": until, "reason": "Ждём ответа из ФНС."})
    assert response.status_code == 302
    event = services.pending_extension_request(case)
    assert event.actor == org.executor and event.data["days"] >= 10
    # Asked once: the page says it is with the head, no second request.
    page = soup(client.get(case.get_absolute_url() + "?action=extend"))
    assert page.select_one("#action-extend form") is None
    assert client.post(url, {"until": until, "reason": "Ещё раз"}).status_code == 400
    # The head finds it in the approval queue, with the form filled from the request.
    client.force_login(org.head)
    queue = client.get(reverse("cases:workspace") + "?queue=approval").content.decode()
    assert case.subject in queue
    page = soup(client.get(case.get_absolute_url() + "?action=extend"))
    assert page.select_one("#id_extend_days")["value"] == str(event.data["days"])
    assert "Ждём ответа из ФНС." in page.select_one("#id_extend_reason").get_text()
    response = client.post(reverse("cases:extend", args=[case.pk]),
                           {"decision": "decline", "comment": "Успеете в срок."})  # fmt: skip
    assert response.status_code == 302
    assert services.pending_extension_request(case) is None
    queue = client.get(reverse("cases:workspace") + "?queue=approval").content.decode()
    assert case.subject not in queue
    # The executor may ask again after a decline; the head's extension answers it.
    client.force_login(org.executor)
    assert client.post(url, {"until": until, "reason": "Новые обстоятельства."}).status_code == 302
    services.extend(case, org.head, days=5, reason="Новые обстоятельства.")
    assert services.pending_extension_request(case) is None
