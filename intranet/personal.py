"""The personal parts of a page: what differs from one reader to the next (the bell,
the menu, the user's name and sign-out form, the messages, Wagtail's user bar, forms
with a CSRF token, whatever a page adds of its own).

A page marks each with `{% personal "template.html" %}` (intranet.templatetags.personal):
the named template is rendered where the tag stands, with the page's context, as an
`{% include %}` would. A whole-response cache (kb.page_cache) asks for the parts to be
*recorded*: the tag then renders its template with a placeholder instead of the CSRF
token and wraps the result in markers carrying a random per-request nonce;
`split_recorded` cuts the page into the shared text and the personal parts, and
`render_part` renders a part again for another reader from a small context of its own
(`base_context`). A part's template must therefore read only what `base_context` gives
plus what its page's cache adds (kb.page_cache): tests compare the two renderings.

The CSRF placeholder keeps the page's validator (ETag) stable across requests whose
masked tokens differ; `fill_csrf` puts the reader's token in before the page leaves."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template

CSRF_PLACEHOLDER = "csrf-placeholder-7d2b9e41c0a5f836"
_RECORDING = "_personal_recording"


def start_recording(request) -> str:
    nonce = secrets.token_hex(8)
    setattr(request, _RECORDING, nonce)
    return nonce


def recording(request) -> str | None:
    return getattr(request, _RECORDING, None)


def mark(nonce: str, name: str, text: str) -> str:
    return f"<!--{nonce}:{name}-->{text}<!--/{nonce}-->"


def split_recorded(content: str, nonce: str) -> tuple[list, list[str], str]:
    """(parts, hole outputs, page as sent): `parts` alternates the shared text and
    ("personal", template name) items; the page as sent has the markers removed (its
    CSRF placeholders are still to be filled)."""
    pattern = re.compile(rf"<!--{nonce}:([^>]*?)-->(.*?)<!--/{nonce}-->", re.S)
    parts: list = []
    holes: list[str] = []
    sent: list[str] = []
    position = 0
    for found in pattern.finditer(content):
        parts.append(content[position : found.start()])
        parts.append(("personal", found.group(1)))
        holes.append(found.group(2))
        sent.append(content[position : found.start()])
        sent.append(found.group(2))
        position = found.end()
    parts.append(content[position:])
    sent.append(content[position:])
    return parts, holes, "".join(sent)


def base_context(request, **extra) -> Context:
    """What every personal part may read: the request, the user, their permissions, the
    bell, the messages and the CSRF placeholder (the context processors' share of it)."""
    from intranet.context_processors import notifications_bell

    user = request.user
    values = {
        "request": request,
        "user": user,
        "perms": PermWrapper(user),
        "messages": get_messages(request),
        "csrf_token": CSRF_PLACEHOLDER,
        **notifications_bell(request),
        **extra,
    }
    return Context(values, autoescape=True)


def render_part(name: str, context: Context) -> str:
    return get_template(name).template.render(context)


def fill_csrf(request, text: str) -> str:
    """The reader's (masked) CSRF token in place of the placeholders."""
    if CSRF_PLACEHOLDER not in text:
        return text
    return text.replace(CSRF_PLACEHOLDER, get_token(request))
