"""The queue's tools in a real browser (issue 20 part 6), one journey: the registrar's
queue at 320 px with the bulk action bar and the page controls does not scroll sideways;
on the registration form the registrar picks the client with the keyboard from the
autocomplete's list (ARIA combobox), and the message is registered for that person."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_registrar_queue_on_a_phone_and_client_autocomplete(org, live_server, browser, login):
    from cases.models import Case
    from tests.cases.factories import CaseFactory

    CaseFactory(state="triaged", subject="Очень длинная тема обращения " * 6)
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "registrar")
        page.goto(f"{live_server.url}/cases/?queue=unassigned")
        assert page.locator("#bulk-form").is_visible()
        assert page.locator('input[name="bulk-case"]').count() == 1
        assert page.locator('[data-queue-count="unassigned"]').inner_text() == "1"
        assert page.evaluate(SIDEWAYS) <= 0

        person = org.client2
        page.goto(f"{live_server.url}/cases/register/")
        box = page.locator("#id_client")
        assert box.get_attribute("role") == "combobox"
        box.press_sequentially(person.last_name[:4].lower(), delay=30)
        option = page.locator("#id_client_listbox [role=option]").filter(
            has_text=person.get_full_name()
        )
        option.first.wait_for()
        assert box.get_attribute("aria-expanded") == "true"
        # Down the list with the arrow key to the person: the box points at each option.
        for index in range(page.locator("#id_client_listbox [role=option]").count()):
            box.press("ArrowDown")
            active = box.get_attribute("aria-activedescendant")
            assert active == f"id_client_listbox_{index}"
            if person.get_full_name() in page.locator(f"#{active}").inner_text():
                break
        box.press("Enter")
        assert box.input_value() == person.username
        assert box.get_attribute("aria-expanded") == "false"
        assert page.evaluate(SIDEWAYS) <= 0

        page.fill("#id_subject", "Письмо о подарке")
        page.fill("#id_text", "Прошу разъяснить порядок сдачи подарка.")
        page.fill("#id_reply_contact", "СПб, Невский пр., 1")
        with page.expect_navigation():
            page.click("form[enctype='multipart/form-data'] button[type=submit]")
        assert Case.objects.get(subject="Письмо о подарке").client_id == person.pk
    finally:
        context.close()
