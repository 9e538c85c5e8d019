"""The whole-response cache of the knowledge base's articles: an article read again is
served before Wagtail's routing, from the page once rendered for a reader of the same
visibility class, with the reader's personal parts rendered afresh.

What is cached. The page as Wagtail rendered it for the first reader of a visibility
class, cut into the shared text and its personal parts (intranet.personal): the bell,
the menu, the user's name and sign-out form, the messages, Wagtail's user bar, and on the
article the «follow» form, the acknowledgement notice and box, «Отметить как
проверенное», the feedback form and the responsible contact. Only the shared text is
kept; a personal part is rendered for each reader from a small context (the request,
the user, the article's fields kept with the entry), so a hit costs the session, the
user and their groups, the generation and the queries of the personal parts themselves
(docs/performance.md).

When it is used (`candidate`): a GET or HEAD of a page Wagtail serves, without a query
string (the print version, a search's `?q=` carry one), not a preview (Wagtail serves
previews through another view), the fragment cache on (KB_FRAGMENT_CACHE_SECONDS > 0).
Only an article's 200 is stored (ArticlePage.serve marks it), never a redirect to sign
in, a 404, a password form, nor a page its reader could open only because of something
their class does not share (a password given in this session: the article lies under a
path the class hides). A page whose shared text holds a CSRF field is never stored
(every form with a token must be a personal part).

The key (kb.caching.fragment_key): the KB's generation (bumped in the transaction of
every publication, unpublication, move, deletion, amended act, unit or document change:
kb.signals), the language, today's date, the host, the path and the reader's visibility
class (signed-in staff, internal client, anonymous, plus the subtrees their view
restrictions hide). Two readers share an entry only if they may open exactly the same
articles.

For the browser: `Cache-Control: private, no-cache` (only the reader's browser keeps it,
and asks again each time) and an `ETag` over the shared text and the reader's personal
parts (with the CSRF secret, not the per-response masked token), so a page that has not
changed for this reader is answered «304 Not Modified» without a body."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import parse_etags
from wagtail.views import serve as wagtail_serve

from intranet import navigation, personal

from . import caching

logger = logging.getLogger(__name__)

_PENDING = "_kb_page_pending"
_SERVED = "_kb_page_served"


def candidate(request) -> bool:
    return getattr(settings, "KB_PAGE_CACHE", True) and caching.enabled(request) and not request.GET


def served(request, page) -> None:
    """ArticlePage.serve: this response is an article's, and may be stored."""
    if getattr(request, _PENDING, None) is not None:
        setattr(request, _SERVED, page)


def entry_key(request) -> str:
    from .models import request_hidden_paths

    user = request.user
    visibility = caching.visibility_key(user, request_hidden_paths(request))
    return caching.fragment_key(request, ["page", request.get_host(), request.path, visibility])


class ArticleResponseCacheMiddleware:
    """Serves a stored article before Wagtail routes the request (`process_view`, once
    the URL resolves to Wagtail's `serve`), and stores an article Wagtail rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, _PENDING, None)
        if pending is not None:
            response = finish(request, response, *pending)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or not candidate(request):
            return None
        key = entry_key(request)
        entry = caching.get(key)
        if entry is not None:
            return from_entry(request, entry)
        setattr(request, _PENDING, (key, personal.start_recording(request)))
        return None


def finish(request, response, key: str, nonce: str):
    """The page as rendered, whatever its status (a 404 or a password form is rendered
    while the personal parts are recorded too): the markers out, the reader's CSRF token
    in, and the shared text stored when it is an article's 200 that may be shared."""
    if response.streaming:
        return response
    charset = response.charset or settings.DEFAULT_CHARSET
    content = response.content.decode(charset)
    parts, holes, sent = personal.split_recorded(content, nonce)
    page = getattr(request, _SERVED, None)
    entry = None
    if response.status_code == 200 and page is not None and storable(request, page, parts):
        section = page.section
        entry = {
            "parts": parts,
            # What the personal parts read of the section: the follow form its id and
            # title, the contact its person (a change of either bumps the generation).
            "section": section
            and {
                "id": section.pk,
                "title": section.title,
                "path": section.path,
                "depth": section.depth,
            },
            "responsible": section
            and (section.contact_id or (section.owner_unit and section.owner_unit.head_id)),
            # What the personal parts read of the article itself (its row is read again
            # only for Wagtail's user bar, shown to those with access to the admin).
            "article": {
                "id": page.pk,
                "title": page.title,
                "slug": page.slug,
                "path": page.path,
                "depth": page.depth,
                "url_path": page.url_path,
                "kind": page.kind,
                "owner_unit_id": page.owner_unit_id,
                "audience": page.audience,
                "content_type_id": page.content_type_id,
                "locale_id": page.locale_id,
            },
            # The header's section addresses (any page's publication or move bumps the
            # generation, so they are as current as the key).
            "sections": navigation.section_urls(request),
            "content_type": response["Content-Type"],
            "digest": digest(parts),
        }
        caching.put(key, entry)
    if entry is not None:
        tag = etag(request, entry, holes)
        if tag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            response.content = personal.fill_csrf(request, sent).encode(charset)
        response["ETag"] = tag
        patch_cache_control(response, private=True, no_cache=True)
    else:
        response.content = personal.fill_csrf(request, sent).encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def storable(request, page, parts) -> bool:
    from .models import request_hidden_paths

    if any(page.path.startswith(path) for path in request_hidden_paths(request)):
        return False  # opened thanks to this session (a password), not to the class
    shared = "".join(part for part in parts if isinstance(part, str))
    if "csrfmiddlewaretoken" in shared:
        logger.error("KB page %s has a CSRF field outside its personal parts: not cached", page.pk)
        return False
    return True


def digest(parts) -> str:
    raw = "\x1f".join(part if isinstance(part, str) else part[1] for part in parts)
    return hashlib.sha256(raw.encode()).hexdigest()


def etag(request, entry: dict, holes: list[str]) -> str:
    """Over the shared text, the reader's personal parts (with the CSRF placeholder) and
    the reader's CSRF secret (the masked token changes with every response)."""
    hashed = hashlib.sha256(entry["digest"].encode())
    for text in holes:
        hashed.update(b"\x1f" + text.encode())
    if any(personal.CSRF_PLACEHOLDER in text for text in holes):
        personal.fill_csrf(request, personal.CSRF_PLACEHOLDER)  # the secret exists from here
        hashed.update(b"\x1f" + request.META.get("CSRF_COOKIE", "").encode())
    return f'"{hashed.hexdigest()[:40]}"'


def from_entry(request, entry: dict):
    """The stored page with this reader's personal parts."""
    from .models import ArticlePage, KnowledgeBaseSectionPage

    fields = entry["article"]  # instances with the stored values, not queries
    page = ArticlePage(page_ptr_id=fields["id"], live=True, **fields)
    if entry["section"]:
        fields = entry["section"]
        page.__dict__["section"] = KnowledgeBaseSectionPage(page_ptr_id=fields["id"], **fields)
    navigation.remember(request, entry["sections"])
    real = SimpleLazyObject(lambda: ArticlePage.objects.get(pk=page.pk))
    context = personal.base_context(
        request, page=page, self=page, responsible_id=entry["responsible"], userbar_page=real
    )
    holes = [
        personal.render_part(part[1], context)
        for part in entry["parts"]
        if not isinstance(part, str)
    ]
    tag = etag(request, entry, holes)
    if tag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        texts = iter(holes)
        body = "".join(part if isinstance(part, str) else next(texts) for part in entry["parts"])
        response = HttpResponse(
            personal.fill_csrf(request, body), content_type=entry["content_type"]
        )
    response["ETag"] = tag
    patch_cache_control(response, private=True, no_cache=True)
    return response
