"""The registrar's choice of the client among the intranet's users: the autocomplete of
the registration form (cases.views.client_lookup) and the look-up of what was typed
without it (cases.forms.ClientField).

A prefix search on the surname, the first name, the login and the e-mail, written so
that a B-tree index serves it on SQLite and PostgreSQL alike: each field is compared as
a range (``field >= "Ив" AND field < "Иг"``), which any index on the column walks in any
collation, and then with ``startswith`` for the exact meaning. A LIKE alone cannot use
these indexes on PostgreSQL (not a "C" collation), and a case-insensitive comparison
(UPPER(…) LIKE …) cannot use any: the query is tried as typed and in the case the
column is written in (names with a capital letter, logins and addresses in small
letters). The indexes: intranet/accounts/migrations/0003_user_name_indexes.py. At most
`LIMIT` people are returned, in one query, whatever the number of users."""

from __future__ import annotations

from django.db.models import Q

from intranet.accounts.models import User
from intranet.keys import key_from

LIMIT = 20
MIN_LENGTH = 2


def _next(prefix: str) -> str | None:
    """The smallest string after every string that begins with `prefix`."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return None
    return prefix[:-1] + chr(last + 1)


def _prefix(field: str, variants) -> Q:
    condition = Q()
    for value in dict.fromkeys(v for v in variants if v):
        match = Q(**{f"{field}__gte": value, f"{field}__startswith": value})
        upper = _next(value)
        if upper is not None:
            match &= Q(**{f"{field}__lt": upper})
        condition |= match
    return condition


def _name_variants(word: str) -> tuple[str, ...]:
    """As typed, with a capital letter (and after each hyphen: «Иванова-Шишкина»), in
    small letters."""
    return (word, word[:1].upper() + word[1:].lower(), word.title(), word.lower())


def search_condition(query: str) -> Q | None:
    """The condition on User for `query`, or None when it is too short. The first word
    is looked for at the start of the surname, first name, login or e-mail; every other
    word at the start of the first name or patronymic («Иванов Ив»)."""
    words = query.split()
    if not words or len(words[0]) < MIN_LENGTH:
        return None
    first = words[0]
    condition = (
        _prefix("last_name", _name_variants(first))
        | _prefix("first_name", _name_variants(first))
        | _prefix("username", (first, first.lower()))
        | _prefix("email", (first, first.lower()))
    )
    for word in words[1:]:
        condition &= _prefix("first_name", _name_variants(word)) | _prefix(
            "patronymic", _name_variants(word)
        )
    return condition


def find_clients(query: str, limit: int = LIMIT) -> list[dict]:
    """The active users `query` names, at most `limit`, in one query: their key, full
    name, login, e-mail and unit."""
    condition = search_condition(query.strip()[:150])
    if condition is None:
        return []
    rows = (
        User.objects.filter(condition, is_active=True)
        .order_by("last_name", "first_name", "patronymic", "pk")
        .values_list(
            "pk",
            "last_name",
            "first_name",
            "patronymic",
            "username",
            "email",
            "profile__unit__short_name",
        )[:limit]
    )
    results = []
    for pk, last, first, patronymic, username, email, unit in rows:
        name = " ".join(p for p in (last, first, patronymic) if p) or username
        detail = " · ".join(p for p in (username, email, unit) if p)
        results.append({"id": pk, "label": name, "detail": detail, "value": username})
    return results


def resolve(value: str) -> list[User]:
    """The active users a typed value names exactly: a key (what the list puts), a login
    or an e-mail address. Several when an address is shared."""
    value = (value or "").strip()
    if not value:
        return []
    condition = Q(username=value) | Q(username=value.lower())
    if "@" in value:
        condition |= Q(email=value) | Q(email=value.lower())
    if (key := key_from(value)) is not None:
        condition |= Q(pk=key)
    people = list(User.objects.filter(condition, is_active=True).order_by("pk")[:5])
    # A login or address that matches names the person; a key only when nothing else does.
    by_name = [p for p in people if str(p.pk) != value or p.username.lower() == value.lower()]
    return by_name or people
