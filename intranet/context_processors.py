"""Template context of every page: the bell's unread count (intranet.notifications)."""

from __future__ import annotations

from django.utils.functional import cached_property

from intranet import notifications


class Bell:
    """The header's bell. The count is read when a page shows the bell, once per
    page and in one query; pages without it (error pages) read nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return notifications.unread_count(self.user)


def notifications_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
