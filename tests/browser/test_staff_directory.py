"""The staff directory on a phone: a card per person, phone numbers to tap, nothing
that scrolls sideways."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The right edge of the widest element of the page's content.
CONTENT_RIGHT = """() => Math.max(...Array.from(document.querySelectorAll('main *'),
    (element) => element.getBoundingClientRect().right))"""


@pytest.mark.parametrize("width", [320, 375])
def test_directory_fits_a_phone_with_a_card_per_person(demo, live_server, page, login, width):
    login(page, "reader")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/staff/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(CONTENT_RIGHT) <= width
    # The filters stand in a column, each field as tall as its label and control (a
    # flex basis once made each 16rem high: a screen of blank space under each).
    fields = page.locator("form.staff-filters .staff-field")
    assert all(fields.nth(i).bounding_box()["height"] < 100 for i in range(fields.count()))
    card = page.locator("tr.staff-person").first
    assert card.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.locator("table.staff-table thead").first.bounding_box()["height"] <= 1
    phone = card.locator("a[href^='tel:']")
    assert phone.is_visible()
    assert phone.get_attribute("href").startswith("tel:+7812")
    # A declined surname typed on the phone finds the person.
    page.fill("form.staff-filters input[name=q]", "Кузнецовой")
    with page.expect_navigation():
        page.click("form.staff-filters button[type=submit]")
    assert page.get_by_text("Кузнецова Мария Андреевна").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(CONTENT_RIGHT) <= width


def test_directory_is_a_table_on_a_wide_screen(demo, live_server, page, login):
    login(page, "reader")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/staff/")
    row = page.locator("tr.staff-person").first
    assert row.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert page.get_by_role("columnheader", name="Телефон").first.is_visible()
