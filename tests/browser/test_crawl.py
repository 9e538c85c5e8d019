"""The crawl guard: every GET page of the permission matrix (tests/security/matrix.py),
opened in Chromium by each role allowed to open it (a second person of a role only where
the first may not: `TWIN`), on the demo's objects; every kind of
Wagtail page of the demo site; and the error pages. What is checked on each page is in
tests/browser/crawl.py (axe-core, no sideways scroll at 320 and 375 px, no English
words, no raw markup, unique ids, labelled controls).

Rows that answer JSON or a file (the REST API, attachments, letters as PDF, exports)
are not pages and are not opened (`is_page`; a test checks the list).

A page added to the matrix is crawled without touching this file; so is a new Wagtail
page type once the demo has a page of it. One test per role (the two test processes
share the roles out); one browser and one context per role, signed in by its session
cookie.

axe's rules run once per page skeleton in the whole test run (`axe_once`,
`crawl.SKELETON`: the kinds of element, the headings and the landmarks, not the data): a
page whose structure another role or object already showed gets every other check and
its colour-contrast pass if it is its page's, not a second run of the same rules. A
structure only one role sees (a head's extend section) is checked as that role."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import axe_playwright_python
import pytest
from django.test import Client

from tests.browser import crawl
from tests.security import matrix
from tests.security.test_permission_matrix import _objects, build_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Matrix rows that are not pages for people, never opened in the browser: the API's
# documentation (rendered by Swagger UI, for developers); the endpoints that answer JSON
# or a file (attachments, letters as PDF, exports) besides the REST API's views, which
# are recognised by their class (`is_page`). Opening them cost the browser as much as
# a page each (a PDF viewer, a JSON viewer, an aborted download), some 40 % of the
# staff roles' navigations. test_rows_skipped_as_not_pages_answer_no_html keeps the list
# honest.
NOT_PAGES = {
    "api-docs",
    "health",
    "cases:attachment",
    "cases:answer_attachment",
    "cases:export",
    "cases:letter_pdf",
    "cases:client_letter_pdf",
    "cases:question_suggestions",
    "consultations:suggest",
    "search:api",
    "search:suggest",
}
# axe-core as the pinned package bundles it, added to every page the context opens.
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
SIGNED_IN = [role for role in matrix.ROLES if role != "anonymous"]
# Pages whose content does not depend on who opens them beyond the header: checked for
# these roles only (a reader, and an editor, who has the admin's userbar on them).
WAGTAIL_PAGE_ROLES = {"reader", "editor"}
# A second person of the same role in another unit or with other cases: the same
# templates and controls as the first, with other rows in them. A page both may open is
# crawled as the first only; the second is crawled on the pages only it may open (its
# own unit's cases). The permission matrix checks every role on every row all the same.
TWIN = {"client2": "client", "executor2": "executor", "head2": "head"}


# Pages (nearly) every signed-in role may open (the sign-in page, the search, the acts
# register, topics and tags, following, notifications, the reception's booking, "my
# questions"): the same template for everybody but the header, whose variants are
# crawled on each role's own pages. They are crawled as one person of each kind of
# user: a civil servant without a desk role, an internal client, an executor, a head of
# unit and an administrator (and anonymous where it may). They were over half of the
# crawl's page loads.
SHARED_PAGE_ROLES = {"anonymous", "reader", "client", "executor", "head", "admin"}
SHARED_PAGE_MIN = 7  # of the nine roles the crawl signs in as


def crawls(role: str, spec) -> bool:
    """Whether the crawl opens the matrix row's page as `role`."""
    if spec["expect"][role] != "ok":
        return False
    twin = TWIN.get(role)
    if twin is not None and spec["expect"][twin] == "ok":
        return False
    crawlers = [r for r in SIGNED_IN if r not in TWIN and spec["expect"][r] == "ok"]
    return len(crawlers) < SHARED_PAGE_MIN or role in SHARED_PAGE_ROLES


def is_page(name: str, path: str) -> bool:
    """Whether the matrix row's URL answers an HTML page (not the REST API, not JSON,
    not a file)."""
    from django.urls import resolve
    from rest_framework.views import APIView

    if name in NOT_PAGES:
        return False
    view_class = getattr(resolve(path).func, "cls", None)
    return not (isinstance(view_class, type) and issubclass(view_class, APIView))


def contrast_role(spec) -> str:
    """axe's colour-contrast rule is half of axe's time; colours come from the shared
    stylesheets, so it runs once per page: as the last role in ROLES order that crawls
    it (the one that sees the most of it: heads, administrators). Every other rule runs
    for every role."""
    return [role for role in matrix.ROLES if crawls(role, spec)][-1]


def matrix_targets(role: str, objects) -> list[tuple[str, str, bool]]:
    """(label, path, whether colour contrast is checked) of the role's matrix pages."""
    targets = []
    for (name, obj), spec in sorted(matrix.MATRIX.items(), key=lambda item: repr(item[0])):
        if spec["method"] != "get" or not crawls(role, spec):
            continue
        path = build_url(name, obj, objects)
        if not is_page(name, path):
            continue
        label = f"{name} {obj or ''}".strip()
        targets.append((label, path, contrast_role(spec) == role))
    return targets


def wagtail_targets(role) -> list[tuple[str, str, bool]]:
    """The first live page of every page type on the demo site."""
    from wagtail.models import Page

    seen, targets = set(), []
    for page in Page.objects.live().filter(depth__gt=1).order_by("path").specific():
        model = type(page).__name__
        if model in seen:
            continue
        seen.add(model)
        targets.append((f"page {model}", page.url, role == "editor"))
    return targets


# The error pages people meet: a missing page, and a page their role may not open.
ERROR_TARGETS = [("404", "/no-such-page/", True), ("403", "/cases/quality/", True)]


def _context(browser, live_server, role):
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport=crawl.DESKTOP
    )
    context.add_init_script(path=AXE_SCRIPT)
    if role != "anonymous":
        from intranet.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=role))
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def axe_once(directory: Path):
    """claim(skeleton) -> True the first time the test run meets that page skeleton
    (crawl.SKELETON), in any role and either test process: a file created exclusively
    in a directory the run's processes share."""
    directory.mkdir(parents=True, exist_ok=True)

    def claim(skeleton: str) -> bool:
        name = hashlib.sha256(skeleton.encode()).hexdigest()[:32]
        try:
            os.close(os.open(directory / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    return claim


def check_page(page, url, contrast=True, expect_error=False, claim=None) -> tuple[list[str], bool]:
    """The problems on one page, and whether it was an HTML page at all. The page loads at
    the width the previous one ended at: at 1280 px it is read and axe runs first, then
    the phone widths; at 320 px the other way round (one change of width fewer)."""
    try:
        response = page.goto(url, wait_until="load")
    except Exception as error:  # a download (attachments) is not a page
        if "Download is starting" in str(error):
            return [], False
        raise
    content_type = response.headers.get("content-type", "") if response else ""
    if "text/html" not in content_type:
        return [], False
    problems = []
    if response.status >= 500 or (response.status >= 400 and not expect_error):
        problems.append(f"status {response.status}")
    if page.viewport_size["width"] == crawl.DESKTOP["width"]:
        problems += _desktop_checks(page, contrast, claim)
        problems += _phone_checks(page, crawl.WIDTHS[::-1])
    else:
        problems += _phone_checks(page, crawl.WIDTHS)
        page.set_viewport_size(crawl.DESKTOP)
        problems += _desktop_checks(page, contrast, claim)
    return problems, True


def _desktop_checks(page, contrast, claim=None) -> list[str]:
    facts = page.evaluate(crawl.PAGE_FACTS)
    problems = [f"duplicate id {value!r}" for value in facts["ids"]]
    problems += [f"control without a label: {html}" for html in facts["unlabelled"]]
    words = crawl.english_words(facts["texts"])
    if words:
        problems.append("English words: " + ", ".join(words[:20]))
    problems += [f"raw markup: {text!r}" for text in crawl.raw_markup(facts["texts"])[:5]]
    # axe's rules run on each skeleton once per test run (the colour-contrast pass of a
    # page always runs: colours are per page); the checks above run on every page.
    first = claim is None or claim(page.evaluate(crawl.SKELETON))
    if not (first or contrast):
        return problems
    options = crawl.axe_options(contrast, rules=first)
    results = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return problems + crawl.axe_failures(results["violations"])


def _phone_checks(page, widths) -> list[str]:
    problems = []
    for width in widths:
        if page.viewport_size["width"] != width:
            page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate(crawl.OVERFLOW)
        if overflow:
            problems.append(f"scrolls sideways at {width} px: {overflow}")
    return problems


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_page_fits_every_role(role, demo, live_server, browser, tmp_path_factory, run_id):
    objects = _objects().make_all()
    targets = matrix_targets(role, objects)
    if role in WAGTAIL_PAGE_ROLES:
        targets += wagtail_targets(role)
    if role == "reader":
        targets += ERROR_TARGETS
    context = _context(browser, live_server, role)
    page = context.new_page()
    page.set_default_timeout(15_000)
    claim = axe_once(tmp_path_factory.getbasetemp().parent / f"crawl-axe-{run_id}")
    report, pages = [], 0
    try:
        for label, path, contrast in targets:
            expect_error = (label, path, contrast) in ERROR_TARGETS
            problems, was_page = check_page(
                page, live_server.url + path, contrast, expect_error, claim
            )
            pages += was_page
            report += [f"{label} ({path}) as {role}: {problem}" for problem in problems]
    finally:
        context.close()
    assert pages, f"no HTML page crawled as {role}"
    assert not report, f"{len(report)} problems on {pages} pages:\n" + "\n".join(report)


@pytest.mark.django_db(transaction=False)
def test_rows_skipped_as_not_pages_answer_no_html(demo):
    """The rows the crawl does not open (`is_page`) answer JSON or a file, never an HTML
    page, to a role allowed to open them: a page is never left out of the crawl by
    mistake. (Swagger UI's page is left out on purpose.)"""
    from tests.security.test_permission_matrix import client_for

    objects = _objects().make_all()
    checked, html = 0, []
    for (name, obj), spec in sorted(matrix.MATRIX.items(), key=lambda item: repr(item[0])):
        allowed = [role for role in SIGNED_IN if spec["expect"][role] == "ok"]
        if spec["method"] != "get" or not allowed or name == "api-docs":
            continue
        path = build_url(name, obj, objects)
        if is_page(name, path):
            continue
        response = client_for(allowed[0]).get(path)
        checked += 1
        if "text/html" in response.headers.get("Content-Type", ""):
            html.append(f"{name} {obj or ''} as {allowed[0]}")
    assert checked >= 20, checked
    assert not html, "pages left out of the crawl: " + ", ".join(html)
