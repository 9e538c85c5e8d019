"""The crawl guard's text rules (tests/browser/crawl.py) on their own, without a browser:
what counts as an English word or as raw markup, and which axe results fail a page."""

from tests.browser import crawl


def test_english_words_are_found_and_addresses_are_not_words():
    texts = [
        "Мои вопросы", "Sign out", "Пишите на head3@example.gov.ru или https://portal.example.ru/x",
        "Файл справка_2026.pdf, 20 КБ", "Глава II", "Ctrl+P", "Answered on time, %",
    ]  # fmt: skip
    assert crawl.english_words(texts) == ["Sign", "out", "Answered", "on", "time"]


def test_raw_markup_and_template_syntax_are_found():
    assert crawl.raw_markup(["<p>Текст</p>", "Уважаемый {{ name }}", "A &amp; B"]) == [
        "<p>Текст</p>", "Уважаемый {{ name }}", "A &amp; B",
    ]  # fmt: skip
    assert crawl.raw_markup(["Доход < 10 000 ₽ и > 5 000 ₽", "{имя_заявителя}"]) == []


def test_serious_axe_violations_and_strict_rules_fail_a_page():
    def violation(rule, impact):
        return {"id": rule, "impact": impact, "nodes": [{"target": [".x"]}]}

    failures = crawl.axe_failures(
        [
            violation("color-contrast", "serious"),
            violation("heading-order", "moderate"),
            violation("region", "moderate"),
        ]
    )
    assert failures == [
        "axe color-contrast (serious): .x",
        "axe heading-order (moderate): .x",
    ]


def test_axe_runs_once_per_skeleton(tmp_path):
    """The claim is per test run and skeleton: the first role that shows a skeleton gets
    axe's rules, later ones not; another skeleton is claimed afresh."""
    from tests.browser.test_crawl import axe_once

    claim, again = axe_once(tmp_path / "run"), axe_once(tmp_path / "run")
    assert claim("DIV.case[]|H1.[]+t#H1>MAIN#ru") is True
    assert again("DIV.case[]|H1.[]+t#H1>MAIN#ru") is False
    assert again("DIV.case[]|FORM.[action,method]#H1>MAIN>FORM#ru") is True
