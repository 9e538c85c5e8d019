"""The Content-Security-Policy in a real browser: the Wagtail admin and our pages render
and work with no CSP violation, and an admin form (CSRF cookie HttpOnly) saves."""

import pytest

from tests.browser.conftest import login, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

VIOLATION_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile
        + ':' + e.lineNumber);
});
"""


@pytest.fixture
def seeded(demo):
    """The whole demo, with the demo passwords (the `demo` world of tests/worlds.py)."""
    return demo


def _watch(page):  # noqa: F811
    console = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(VIOLATION_LISTENER)
    return console


def _violations(page, console):  # noqa: F811
    return console + page.evaluate("window.__cspViolations || []")


def test_intranet_pages_render_under_the_strict_policy(seeded, live_server, page, login):  # noqa: F811
    console = _watch(page)
    login(page, "reader")
    for path in ["/", "/staff/", "/reception/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], path


def test_wagtail_admin_works_without_csp_violations(seeded, live_server, page, login):  # noqa: F811
    console = _watch(page)
    login(page, "admin")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#wagtail-sidebar").count() == 1  # the React sidebar mounted
    assert page.locator("main").is_visible()

    # Listings with date-range filters (inline date-picker scripts) and the audit log.
    page.goto(f"{live_server.url}/admin/audit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "События аудита"

    # A form saved through the admin: the CSRF token comes from the page, not the cookie.
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["csrftoken"]["httpOnly"] is True
    assert cookies["sessionid"]["httpOnly"] is True
    page.goto(f"{live_server.url}/admin/org/units/")
    page.wait_for_load_state("networkidle")
    page.locator("a[href*='/admin/org/units/edit/']").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_room", "301-А")
    page.get_by_role("button", name="Сохранить").first.click()
    page.wait_for_load_state("networkidle")
    from intranet.models import Unit

    assert Unit.objects.filter(room="301-А").exists(), page.content()[:3000]
    assert _violations(page, console) == []
