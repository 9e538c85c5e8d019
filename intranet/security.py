"""Hostile-input helpers shared by every app: HTML and plain-text sanitising, and the
login-lockout backend.

Answers and KB material are written by staff but may be pasted from anywhere (Word,
e-mail, websites); client text comes from outside. Neither is ever trusted as HTML."""

from __future__ import annotations

import re
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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


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


def plain_text(text: str | None, max_length: int | None = None) -> str:
    """Return client-supplied `text` as plain text: no markup at all (tags removed, their
    text kept), no control or bidi-override characters, normalised line breaks and NFC.
    Templates still autoescape it; this keeps stored text clean for e-mail, print and
    search, where autoescaping does not apply."""
    if not text:
        return ""
    value = _strip_tags(str(text))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = unicodedata.normalize("NFC", value).strip()
    if max_length is not None:
        value = value[:max_length]
    return value


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
