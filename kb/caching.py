"""Cached fragments of the knowledge base's pages: the section navigation, a section's
article list, the related-articles block, the article's own text, the breadcrumbs and
the KB root's tiles (the `{% kbcache %}` tag, kb.templatetags.kb_cache).

What makes it safe:

- Invalidation. Every key carries the KB's *generation*, a value in the database
  (`CacheGeneration`) that kb.signals changes whenever something a reader could see in a
  fragment changes: a page published, unpublished, moved, deleted or saved live; a
  topic, legal act, unit, document or site changed; articles flagged for review. The
  counter lives in the database, not in the cache, so the bump is part of the
  transaction that made the change (readers see the new generation exactly when they
  can see the new content) and reaches every gunicorn process whatever the cache
  backend (the default is a per-process LocMemCache). Fragments also expire after
  `KB_FRAGMENT_CACHE_SECONDS`.
- Visibility. A fragment that lists articles is keyed by the reader's visibility class
  (`visibility_key`): signed-in staff, internal client (no typical answers,
  kb.audience) or anonymous, plus the sorted paths of the subtrees
  the reader may not open (kb.models.hidden_paths, from Wagtail's view restrictions).
  Two readers share a fragment only if they may open exactly the same articles; a
  group-restricted article never reaches someone outside the group through the cache.
- Nothing personal. Only what is the same for every reader of a visibility class is
  cached: never the feedback form (it holds the CSRF token), the user's name, the
  responsible contact (a user's profile), and never anything of the cases desk.
- Previews and drafts are never cached nor served from the cache (Wagtail sets
  `request.is_preview`), nor is anything but GET/HEAD.

The generation is read once per request (one indexed single-row query)."""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

GENERATION_NAME = "kb"
KEY_PREFIX = "kb:fragment:"


def timeout() -> int:
    """Seconds a fragment is kept; 0 switches the fragment cache off."""
    return int(getattr(settings, "KB_FRAGMENT_CACHE_SECONDS", 600))


def enabled(request) -> bool:
    return (
        timeout() > 0
        and request is not None
        and request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
    )


def generation() -> int:
    from kb.models import CacheGeneration

    value = (
        CacheGeneration.objects.filter(name=GENERATION_NAME).values_list("value", flat=True).first()
    )
    return value or 0


def bump() -> None:
    """Make every cached KB fragment stale (in the current transaction, if any).

    The new generation is random rather than the next number: a bump rolled back with
    its transaction must not hand its value to a later bump (a fragment rendered inside
    that transaction, from data that never committed, would then become current)."""
    from kb.models import CacheGeneration

    token = secrets.randbits(62) or 1
    if not CacheGeneration.objects.filter(name=GENERATION_NAME).update(value=token):
        CacheGeneration.objects.update_or_create(name=GENERATION_NAME, defaults={"value": token})


def request_generation(request) -> int:
    """The generation, read once per request (each time without one)."""
    if request is None:
        return generation()
    value = getattr(request, "_kb_cache_generation", None)
    if value is None:
        value = generation()
        request._kb_cache_generation = value
    return value


def visibility_key(user, hidden: tuple[str, ...]) -> str:
    """The reader's visibility class: who may open the same articles shares it."""
    from .audience import is_internal_client

    if user is None or not user.is_authenticated:
        kind = "anon"
    else:
        # Internal clients see no typical answers (kb.audience): a class of their own.
        kind = "client" if is_internal_client(user) else "user"
    digest = hashlib.sha256("\n".join(hidden).encode()).hexdigest()[:20]
    return f"{kind}:{digest}"


def release() -> str:
    """The static files' release (the manifest's hash under the production storage, ""
    elsewhere): a cached page or fragment names hashed static files, and a shared cache
    (Redis) outlives a deploy."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return str(getattr(staticfiles_storage, "manifest_hash", "") or "")


def fragment_key(request, parts) -> str:
    """The cache key of a fragment: its name and vary-on values, the generation, the
    language, the day (review badges depend on today's date) and the static files'
    release. `request` may be None (the generation is then read for this key)."""
    raw = "\x1f".join(
        [
            str(request_generation(request)),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            release(),
            *(str(part) for part in parts),
        ]
    )
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str):
    """The cached fragment or None; a cache that does not answer is a miss, never an
    error page."""
    try:
        return cache.get(key)
    except Exception:  # any backend failure is a miss
        logger.warning("KB fragment cache unavailable (get)", exc_info=True)
        return None


def shared(request, name: str, compute):
    """A value every reader shares and that changes only with the KB's generation (the
    view restrictions, the units' heads and groups), computed once per generation."""
    key = fragment_key(request, ["shared", name])
    value = get(key)
    if value is None:
        value = compute()
        put(key, value)
    return value


def put(key: str, value) -> None:
    try:
        cache.set(key, value, timeout())
    except Exception:
        logger.warning("KB fragment cache unavailable (set)", exc_info=True)
