"""The answer in a real browser: the executor asks the client a question, the client
replies in the portal; the executor inserts a typical answer from the knowledge base into
the editor, fills its field, formats the text, previews the letter and sends it for
approval; the head returns it with a comment, sees what changed in the next version and
approves it; the answer is registered and sent: the client receives the e-mail with the
letter's PDF (a real local SMTP server), reads the same letter in the portal, downloads
the same PDF there and rates the answer."""

import time

import pytest

from tests.mailbox import pdf_text, smtp_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def assigned_case(demo):
    from cases import services
    from cases.choices import ReplyChannel
    from cases.models import UnitCaseSettings
    from intranet.accounts.models import User
    from intranet.models import Unit

    users = {u.username: u for u in User.objects.all()}
    unit = Unit.objects.get(short_name="ОДС")
    UnitCaseSettings.objects.update_or_create(unit=unit, defaults={"answers_need_approval": True})
    case = services.submit_question(
        users["client"],
        subject="До какого числа сдавать справку о доходах",
        text="Подскажите срок представления справки о доходах за прошлый год.",
        topic="declarations",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client-mailbox@example.gov.ru",
    )
    case = services.decide_urgency(case, users["registrar"], urgent=False)
    return services.assign(case, users["registrar"], unit=unit, executor=users["executor"])


def _as(browser, login, username):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    return context, page


@pytest.fixture
def mailbox(settings):
    with smtp_server(settings) as inbox:
        yield inbox


def _wait_for_mail(inbox, wanted, seconds: float = 15) -> list:
    """The messages the local SMTP server accepted that `wanted` picks, once there are any."""
    deadline = time.monotonic() + seconds
    while True:
        found = [message for message in inbox.messages if wanted(message)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_clarify_reply_edit_preview_approve_register_read_and_rate(
    assigned_case, live_server, browser, login, mailbox
):
    from cases.models import Answer, AnswerStatus, LetterKind, OutgoingLetter, Rating

    case = assigned_case
    url = f"{live_server.url}{case.get_absolute_url()}"
    desk_context, desk = _as(browser, login, "executor")
    client_context, portal = _as(browser, login, "client")
    head_context, head = _as(browser, login, "head")
    try:
        # 1. The executor asks a question: one action at a time, chosen in the action bar.
        desk.goto(url)
        assert desk.locator("#id_question").is_hidden()
        desk.get_by_role("link", name="Запросить уточнение у заявителя").click()
        desk.fill("#id_question", "Вы подаёте справку на себя или на члена семьи?")
        with desk.expect_navigation():
            desk.get_by_role("button", name="Отправить вопрос").click()
        assert "Вопрос направлен заявителю" in desk.content()

        # 2. The client replies in the portal.
        portal.goto(f"{live_server.url}{case.get_client_url()}")
        assert (
            "на себя или на члена семьи" in portal.locator(".clarification-question").inner_text()
        )
        portal.fill("#id_text", "На себя.")
        with portal.expect_navigation():
            portal.get_by_role("button", name="Отправить ответ").click()
        assert "Ваш ответ отправлен" in portal.content()

        # 3. The executor writes a line, goes back to the start, finds a typical answer
        #    and inserts it there, at the cursor; the field the case cannot fill is
        #    highlighted until it is filled.
        desk.goto(url)
        assert "На себя." in desk.locator("#clarifications").inner_text()
        assert desk.locator("#id_body").is_hidden()  # the editor replaces the textarea
        editor = desk.locator("#answer-editor")
        editor.click()
        desk.keyboard.type("Если останутся вопросы, позвоните нам.")
        desk.keyboard.press("Control+Home")
        desk.fill("#kb-query", "срок справки о доходах")
        desk.get_by_role("button", name="Найти").click()
        desk.wait_for_selector("#kb-results:not([aria-busy])")
        desk.locator(".insert-typical").first.click()
        desk.wait_for_selector("#answer-editor mark.placeholder")
        typed = editor.inner_text()
        assert "Уважаем" in typed and "{имя_заявителя}" not in typed
        assert typed.index("Уважаем") < typed.index("Если останутся вопросы")
        assert desk.locator("#answer-editor mark.placeholder").all_inner_texts() == [
            "{срок_представления}"
        ]
        assert "Осталось заполнить полей: 1" in desk.locator(".placeholder-status").inner_text()
        # The typical answer's field is selected: typing fills it.
        desk.keyboard.type("30 апреля")
        assert desk.locator("#answer-editor mark.placeholder").count() == 0
        assert (
            "Все поля типового ответа заполнены" in desk.locator(".placeholder-status").inner_text()
        )
        # Bold from the keyboard, a list from the toolbar.
        desk.keyboard.type(" (")
        desk.keyboard.press("Control+b")
        desk.keyboard.type("обратите внимание")
        desk.keyboard.press("Control+b")
        desk.keyboard.type(")")
        assert editor.locator("b, strong").inner_text() == "обратите внимание"
        desk.locator("#answer-editor p").last.click()
        desk.keyboard.press("Control+End")
        desk.keyboard.press("Enter")
        desk.keyboard.type("первый пункт")
        desk.get_by_role("button", name="Маркированный список").click()
        assert editor.locator("ul li").inner_text() == "первый пункт"

        # 4. The preview shows the letter; what was typed is still in the editor.
        with desk.expect_navigation():
            desk.get_by_role("button", name="Предпросмотр письма").click()
        letter = desk.locator("#letter-preview .letter").inner_text()
        assert "30 апреля (обратите внимание)" in letter and "Если останутся вопросы" in letter
        assert not Answer.objects.filter(case=case).exists()
        assert desk.locator("#answer-editor strong").inner_text() == "обратите внимание"

        # 5. Sent for approval (the button offered before approval, never «register»).
        assert desk.get_by_role("button", name="Зарегистрировать и отправить ответ").count() == 0
        with desk.expect_navigation():
            desk.get_by_role("button", name="Передать на согласование").click()
        answer = Answer.objects.get(case=case)
        assert answer.status == AnswerStatus.APPROVAL
        assert answer.body.startswith("<p>Уважаем")
        assert "не позднее 30 апреля (<strong>обратите внимание</strong>)." in answer.body
        assert "<ul><li>первый пункт</li></ul>" in answer.body

        # 6. The head reads the letter and returns it with a comment.
        head.goto(url)
        assert "30 апреля" in head.locator("#action-answer .letter").inner_text()
        head.fill("#id_comment", "Добавьте телефон для справок.")
        with head.expect_navigation():
            head.get_by_role("button", name="Вернуть на доработку").click()

        # 7. The executor adds it and sends the answer again.
        desk.goto(url)
        assert "Добавьте телефон для справок." in desk.locator("#action-answer").inner_text()
        editor.click()
        desk.keyboard.press("Control+End")
        desk.keyboard.press("Enter")
        desk.keyboard.press("Enter")
        desk.keyboard.type("Телефон для справок: 576-44-01.")
        with desk.expect_navigation():
            desk.get_by_role("button", name="Передать на согласование").click()

        # 8. The head sees what changed, approves and registers the answer.
        head.goto(url)
        added = head.locator(".answer-changes ins").all_inner_texts()
        assert any("576-44-01" in piece for piece in added), added
        assert "576-44-01" in head.locator("#action-answer .letter").inner_text()
        with head.expect_navigation():
            head.get_by_role("button", name="Согласовать").click()
        with head.expect_navigation():
            head.get_by_role("button", name="Зарегистрировать и отправить ответ").click()
        answer.refresh_from_db()
        assert answer.is_registered and answer.approved_by.username == "head"
        assert head.locator("#answer .outgoing-number").first.inner_text() == answer.outgoing_number

        # 9. The e-mail reaches the client's mailbox with the letter's PDF: the letterhead,
        #    the outgoing number, the greeting by first name and patronymic, the head who
        #    signed, the text the head approved.
        letter = OutgoingLetter.objects.get(case=case, kind=LetterKind.ANSWER)
        attachment = f"{letter.number}.pdf"
        mails = _wait_for_mail(
            mailbox,
            lambda m: any(p.get_filename() == attachment for p in m.iter_attachments()),
        )
        assert len(mails) == 1, [m["Subject"] for m in mailbox.messages]
        assert mails[0]["To"] == "client-mailbox@example.gov.ru"
        [pdf] = [p for p in mails[0].iter_attachments() if p.get_filename() == attachment]
        mailed = pdf_text(pdf.get_content())
        head_user = answer.approved_by
        for words in ("Администрация", letter.number, "Уважаемый Иван Иванович!",
                      head_user.last_name, "30 апреля", "576-44-01"):  # fmt: skip
            assert words in mailed, (words, mailed)

        # 10. The client reads the same letter in the portal, downloads the same PDF and
        #     rates the answer.
        portal.goto(f"{live_server.url}{case.get_client_url()}")
        assert answer.outgoing_number in portal.locator("#answer").inner_text()
        text = portal.locator("#answer .letter-body")
        assert "30 апреля" in text.inner_text() and "576-44-01" in text.inner_text()
        assert "Уважаемый Иван Иванович!" in portal.locator("#answer").inner_text()
        link = portal.locator(f"a[href='{letter.get_client_url()}']").first
        with portal.expect_download() as download_info:
            link.click()
        with open(download_info.value.path(), "rb") as downloaded:
            assert pdf_text(downloaded.read()) == mailed
        assert text.locator("strong").inner_text() == "обратите внимание"
        assert text.locator("li").inner_text() == "первый пункт"
        portal.locator("#rate input[value='5']").check()
        portal.fill("#id_comment", "Спасибо, всё понятно.")
        with portal.expect_navigation():
            portal.get_by_role("button", name="Оценить").click()
        assert "Спасибо за оценку" in portal.content()
    finally:
        desk_context.close()
        client_context.close()
        head_context.close()
    rating = Rating.objects.get(case=case)
    assert rating.score == 5 and rating.unit.short_name == "ОДС"
    answer.refresh_from_db()
    assert answer.read_at is not None
