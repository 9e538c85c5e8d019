"""Issuing and checking API keys, and the articles a key may read.

A key is `<prefix>.<secret>`: the prefix (8 hex digits) finds the row, the whole key is
compared by its SHA-256 (a random 256-bit secret needs no slow hash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db.models import Q
from django.utils import timezone

from .models import ApiKey, Scope


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(api_key: ApiKey) -> str:
    """Give `api_key` (not yet saved) a new key; returns the key, which is not stored."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_key.prefix = prefix
    api_key.key_hash = digest(key)
    return key


def new_secret() -> str:
    """A webhook's signing secret."""
    return secrets.token_urlsafe(32)


def find(key: str) -> ApiKey | None:
    """The key's row, active or revoked, or None for an unknown key."""
    prefix, dot, _rest = key.partition(".")
    if not dot or not prefix or len(prefix) > 16:
        return None
    found = ApiKey.objects.filter(prefix=prefix).first()
    if found is None or not hmac.compare_digest(found.key_hash, digest(key)):
        return None
    return found


def mark_used(api_key: ApiKey) -> None:
    now = timezone.now()
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


# ------------------------------------------------------------------------- scope


def hidden_paths(scope: str) -> tuple[str, ...]:
    """Subtrees a key of `scope` may not read: for a public key every view restriction
    (as for an anonymous visitor); for an internal key those limited to groups or by a
    password (a key belongs to no group), not those open to any signed-in user."""
    from wagtail.models import PageViewRestriction

    restrictions = PageViewRestriction.objects.all()
    if scope == Scope.INTERNAL:
        restrictions = restrictions.exclude(restriction_type=PageViewRestriction.LOGIN)
    return tuple(sorted(set(restrictions.values_list("page__path", flat=True))))


def in_scope(queryset, scope: str, hidden: tuple[str, ...] | None = None):
    """`queryset` of articles narrowed to what a key of `scope` may read, live or not:
    never typical answers (staff instructions with placeholders, for the desk only);
    public articles only for a public key."""
    from kb.models import ArticlePage

    queryset = queryset.exclude(kind=ArticlePage.Kind.TYPICAL_ANSWER)
    if scope != Scope.INTERNAL:
        queryset = queryset.filter(audience=ArticlePage.Audience.PUBLIC)
    condition = Q()
    for path in hidden_paths(scope) if hidden is None else hidden:
        condition |= Q(path__startswith=path)
    return queryset.exclude(condition) if condition else queryset


def articles_for(api_key: ApiKey, hidden: tuple[str, ...] | None = None):
    """Live articles the key may read."""
    from kb.models import ArticlePage

    return in_scope(ArticlePage.objects.live(), api_key.scope, hidden)
