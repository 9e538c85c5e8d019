"""ETag, Last-Modified and Cache-Control of the KB API's answers, and the conditional
requests (If-None-Match, If-Modified-Since) that they make cheap for the consumers.

- ETag: the SHA-256 of the answer's JSON, so it changes exactly when the answer does
  (the same listing asked with other filters or by another scope has its own).
- Last-Modified: when the API first answered from the current state of the knowledge
  base as the caller sees it: the KB's generation (kb.caching, changed by every
  publication, unpublication, move, amended-act flag or change of a topic, act, unit or
  document) together with the subtrees hidden from the caller. Coarse (any change of the
  KB moves it for every article) but never stale; strictly increasing by at least a
  second, so HTTP's one-second dates cannot hide a change.
- If-None-Match wins over If-Modified-Since (RFC 9110); both answer 304 without a body.
- Cache-Control: `private, no-cache` for a caller with a key or a session (the answer
  is theirs: a shared cache must not keep it, and the consumer revalidates each time),
  `public, max-age=KB_API_PUBLIC_MAX_AGE` for anonymous callers (public material)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .models import ContentVersion


def last_modified(hidden: tuple[str, ...]) -> dt.datetime:
    from kb import caching

    token = hashlib.sha256("|".join([str(caching.generation()), *hidden]).encode()).hexdigest()
    seen = ContentVersion.objects.filter(token=token).values_list("seen_at", flat=True).first()
    if seen is not None:
        return seen
    now = timezone.now().replace(microsecond=0)
    latest = ContentVersion.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is not None and now <= latest:
        now = latest + dt.timedelta(seconds=1)
    try:
        with transaction.atomic():
            ContentVersion.objects.create(token=token, seen_at=now)
    except IntegrityError:  # recorded meanwhile by a concurrent request
        return ContentVersion.objects.get(token=token).seen_at
    return now


def etag_of(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:40]}"'


def finish(request, response, *, hidden: tuple[str, ...], private: bool):
    """Give a rendered 200 answer to GET/HEAD its validators and caching headers, and
    answer 304 instead when the caller's copy is current."""
    patch_vary_headers(response, ["Authorization", "Cookie"])
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(
            response, public=True, max_age=int(getattr(settings, "KB_API_PUBLIC_MAX_AGE", 60))
        )
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    response.render()
    etag = etag_of(response.content)
    modified = last_modified(hidden)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    return get_conditional_response(
        request, etag=etag, last_modified=int(modified.timestamp()), response=response
    )
