"""Hostile-input helpers shared by every app: HTML and plain-text sanitising, and the
login-lockout backend.

Answers and KB material are written by staff but may be pasted from anywhere (Word,
e-mail, websites); client text comes from outside. Neither is ever trusted as HTML."""

from __future__ import annotations

import unicodedata
from html import unescape

import nh3
from axes.backends import AxesStandaloneBackend
from csp.middleware import CSPMiddleware
from django.conf import settings

# The rich text an answer may carry: what a letter needs, nothing that runs or loads.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# No javascript:, data:, vbscript:, file: — nh3 drops an href with any other scheme.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags whose content is dropped together with the tag (not kept as text).
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

# Kept by client_text although they are control characters.
_KEPT_CONTROLS = frozenset("\t\n")
# Unicode categories removed by client_text: control (C0, DEL, C1) and format characters
# (bidi marks, embeddings, overrides and isolates; zero-width space, joiners, word
# joiner, BOM; soft hyphen; the invisible "tag" characters).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def sanitize_html(html: str | None) -> str:
    """Return `html` reduced to the answer allow-list (ALLOWED_TAGS/ATTRIBUTES).

    Scripts, event handlers, styles, iframes and forms disappear; links keep only
    http(s)/mailto/tel targets and always get rel="noopener noreferrer". The result is
    safe to mark_safe() in a template."""
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def client_text(text: str | None, max_length: int | None = None) -> str:
    """Return text a person typed (a client's question, reply, comment, booking or
    feedback; what staff write down of a visitor's words; a question or a reason that
    goes to the client) as typed, markup characters included: templates escape them on
    output and e-mails are plain text, so `<b>` stays the client's words and never
    becomes markup. Removed are only the characters that hide or reorder what is shown
    (Trojan Source, RLO file names): control characters (C0, DEL and C1; tab and line
    feed stay) and format characters, Unicode category Cf (U+200E/U+200F, U+061C,
    U+202A–U+202E, U+2066–U+2069; U+200B–U+200D, U+2060, U+FEFF; soft hyphen; tag
    characters). Line breaks become "\n" (CR, CRLF, NEL, U+2028, U+2029), the text NFC,
    surrounding whitespace stripped. Idempotent.

    The zero-width joiner (U+200D) goes too, also inside an emoji sequence: 👨‍👩‍👧
    becomes 👨👩👧, the same people side by side; a rule with exceptions for
    "legitimate" joiners would let a joiner through wherever an emoji stands next to
    it. Variation selectors (category Mn) are kept: they only choose how a character
    looks.

    Applied at the boundary (intranet.forms.ClientTextField in the portal, registration,
    reception, consultation and feedback forms, cases.api.ClientTextField in the API
    serializers, so a field of nothing but such characters is empty and refused as
    such), again by the services when they store the text (cases, reception, KB
    feedback, the case timeline), and to every letter to a client as a whole
    (cases.delivery.queue_letters)."""
    if not text:
        return ""
    value = str(text)
    for line_break in ("\r\n", "\r", "\x85", "\u2028", "\u2029"):
        value = value.replace(line_break, "\n")
    if not value.isascii() or not value.isprintable():
        value = "".join(
            ch
            for ch in value
            if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        )
    value = unicodedata.normalize("NFC", value).strip()
    if max_length is not None:
        value = value[:max_length].rstrip()
    return value


def plain_text(text: str | None, max_length: int | None = None) -> str:
    """Return `text` as plain text: no markup at all (tags removed, their text kept),
    then as client_text (no control or format characters, normalised line breaks, NFC).
    For text that must not carry markup even as characters (refusal grounds, the e-mail
    version of an answer). Templates still autoescape it."""
    if not text:
        return ""
    return client_text(_strip_tags(str(text)), max_length)


def _strip_tags(text: str) -> str:
    # nh3 with no allowed tags keeps the text of every tag, HTML-escaped; plain text
    # wants the characters back (templates escape them again on output).
    cleaned = nh3.clean(text, tags=set(), clean_content_tags=CLEAN_CONTENT_TAGS)
    return unescape(cleaned)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (first in AUTHENTICATION_BACKENDS).

    Every interactive sign-in (the /accounts/login/ form, the Wagtail admin login, DRF
    session login) passes the request and is checked. A call without a request
    (`manage.py shell`, the test client's `login()`) cannot be attributed to a client
    IP, so it is not throttled instead of failing with a confusing exception."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with one policy for our pages (settings
    CONTENT_SECURITY_POLICY) and a relaxed one for the paths listed in
    CONTENT_SECURITY_POLICY_RELAXED_PREFIXES (the Wagtail admin, the API docs page),
    whose third-party templates need inline script and style. A response that sets its
    own header (downloads, Wagtail documents) keeps it."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        prefixes = tuple(getattr(settings, "CONTENT_SECURITY_POLICY_RELAXED_PREFIXES", ()))
        if prefixes and request.path_info.startswith(prefixes):
            parts.config = settings.CONTENT_SECURITY_POLICY_RELAXED_DIRECTIVES
        return parts
