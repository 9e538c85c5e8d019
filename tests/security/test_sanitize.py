"""Rich text and client text against real XSS payloads (OWASP cheat sheet, PortSwigger)."""

import pytest

from intranet.security import client_text, plain_text, sanitize_html

PAYLOADS = [
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    '<form action="https://evil.example/"><input name=password></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<img src="https://tracker.example/pixel.gif">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<p><a href="https://ok.example/" onclick="alert(1)" target="_blank">ok</a></p>',
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
]

FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "javascript:",
    "vbscript:",
    "data:text",
    "<iframe",
    "<object",
    "<embed",
    "<svg",
    "<img",
    "<style",
    "style=",
    "<form",
    "<input",
    "<base",
    "<meta",
    "<link",
    "<math",
    "<!--",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    cleaned = sanitize_html(payload).lower()
    for bad in FORBIDDEN:
        assert bad not in cleaned, (payload, cleaned)


def test_the_answer_allow_list_survives():
    html = (
        "<h2>Ответ</h2><p>Уважаемый <strong>Иван</strong> <em>Иванович</em>!<br>Текст.</p>"
        "<ul><li>один</li></ul><ol><li>два</li></ol><h3>a</h3><h4>b</h4>"
        "<blockquote>цитата</blockquote>"
        "<table><thead><tr><th>Срок</th></tr></thead>"
        "<tbody><tr><td>30 дней</td></tr></tbody></table>"
    )
    assert sanitize_html(html) == html


def test_links_keep_safe_schemes_and_get_rel_noopener():
    cleaned = sanitize_html(
        '<a href="https://gov.example/act" target="_blank">акт</a>'
        '<a href="mailto:otdel@example.gov.ru">почта</a><a href="/kb/gifts/">статья</a>'
    )
    assert 'href="https://gov.example/act"' in cleaned
    assert 'href="mailto:otdel@example.gov.ru"' in cleaned
    assert 'href="/kb/gifts/"' in cleaned
    assert cleaned.count('rel="noopener noreferrer"') == 3
    assert "target" not in cleaned


def test_script_content_is_dropped_not_shown_as_text():
    assert "alert" not in sanitize_html("<p>ok</p><script>alert(1)</script>")


def test_empty_input():
    assert sanitize_html(None) == "" and sanitize_html("") == ""
    assert plain_text(None) == "" and plain_text("") == ""


def test_plain_text_removes_markup_and_keeps_the_words():
    text = plain_text('<b>Прошу</b> разъяснить <a href="javascript:x">срок</a> & порядок <3')
    assert text == "Прошу разъяснить срок & порядок <3"
    assert "<" not in plain_text("<script>alert(1)</script>Вопрос").replace("<3", "")
    assert plain_text("<script>alert(1)</script>Вопрос") == "Вопрос"


def test_plain_text_removes_control_and_bidi_characters_and_normalises():
    text = plain_text("Иванов\x00\x07 И.\u202eИ.\r\nстрока\rещё\u200b")
    assert text == "Иванов И.И.\nстрока\nещё"
    assert plain_text("е\u0308лка") == "ёлка"  # NFC


def test_plain_text_can_cut_to_a_length():
    assert plain_text("а" * 50, max_length=10) == "а" * 10


def test_client_text_keeps_markup_as_typed_and_removes_only_invisible_characters():
    typed = "<b>Прошу</b>\u202e разъяснить\u200b <script>x</script> & <3\u2066\ufeff\x00\x1b\x9b"
    assert client_text(typed) == "<b>Прошу</b> разъяснить <script>x</script> & <3"
    assert client_text("\u00ad\u200c\u200d\u2060\u061c\u200e\u200f\U000e0041") == ""


def test_client_text_keeps_tabs_and_normalises_every_line_break():
    assert client_text("а\tб\r\nв\rг\x85д\u2028е\u2029ё") == "а\tб\nв\nг\nд\nе\nё"
    assert client_text("е\u0308лка") == "ёлка"  # NFC
    assert client_text(None) == "" and client_text("  \u200b ") == ""


def test_client_text_is_idempotent_and_cuts_to_a_length():
    once = client_text(" <i>Вопрос</i>\u202e\r\n\u200bвторой ")
    assert client_text(once) == once == "<i>Вопрос</i>\nвторой"
    assert client_text("\u200bа" * 50, max_length=10) == "а" * 10
