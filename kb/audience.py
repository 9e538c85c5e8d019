"""Who reads typical answers (типовые ответы): staff only.

A typical answer is the executors' working text: instructions to staff and placeholders
such as «{имя_заявителя}», not an answer to anyone. It is never listed, shown, found or
served to an internal client or an anonymous visitor, whatever its audience says.

Staff, for this rule: every signed-in person except an internal client. An internal
client is a user in the clients' role group (intranet.roles.CLIENTS) and in no role or
unit group besides the readers' group that every user is in; a superuser is staff. So
a reader (a civil servant of the body: «Читатели» only), a registrar, an executor, an
editor, a head and an administrator read typical answers; a client who is also an
executor (both groups) is staff.

The rule is applied once, in ``kb.models.ArticlePageQuerySet.visible_to`` (every
listing, related block, search, suggestion and API answer goes through it), by the
article page itself (kb.wagtail_hooks: 404 for a client, the sign-in page for an
anonymous visitor) and in the visibility class of the cached fragments (kb.caching)."""

from __future__ import annotations

from intranet import roles

# Groups that do not make their member staff for this rule.
NON_STAFF_GROUPS = frozenset({roles.READERS, roles.CLIENTS})


def is_internal_client(user) -> bool:
    """True for a signed-in internal client who holds no staff role (see above)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    cached = getattr(user, "_kb_internal_client", None)
    if cached is None:
        names = user.role_names()  # the query has_role reads too
        cached = roles.CLIENTS in names and names <= NON_STAFF_GROUPS
        user._kb_internal_client = cached
    return cached


def sees_typical_answers(user) -> bool:
    """True when `user` may read typical answers: signed-in staff."""
    if user is None or not user.is_authenticated:
        return False
    return not is_internal_client(user)
