"""Notifications: a line in the person's list under the bell in the header, and an
e-mail as the person chose (NotificationSettings): at once, in a daily digest, or none.
The default, for whoever has not chosen, is the daily digest (setting
NOTIFICATIONS_DEFAULT_EMAIL: "instant", "digest" or "none"): the bell tells at once,
the mailbox is not flooded. All mail goes through the outbox (intranet.outbox).

``notify(recipients, text, url, verb=..., target=("case", 42), key=...)`` is called by
the apps that know who must hear of what (cases.notifications for the cases desk), in
the transaction of the step it reports: the rows and the letters roll back with it. It
checks no permission: the caller passes only people who may open the link.

``send_digests(day)`` (the beat task ``intranet.notifications.digest``, every day at
NOTIFICATIONS_DIGEST_HOUR) sends each person who chose the digest one letter with what
arrived since the last one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from intranet import links, outbox
from intranet.models import EmailChoice, Notification, NotificationSettings

NOTICE_MAIL = "intranet.notification"
DIGEST_MAIL = "intranet.notification_digest"

outbox.register(NOTICE_MAIL, gettext_lazy("Notification"))
outbox.register(DIGEST_MAIL, gettext_lazy("Daily digest of notifications"))

__all__ = ["DIGEST_MAIL", "NOTICE_MAIL", "default_email", "email_choices", "forget",
           "notify", "send_digests", "unread_count"]  # fmt: skip


def default_email() -> str:
    value = getattr(settings, "NOTIFICATIONS_DEFAULT_EMAIL", EmailChoice.DIGEST)
    return value if value in EmailChoice.values else EmailChoice.DIGEST


def email_choices(user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: their e-mail choice} for `user_ids`, in one query."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "email")
    )
    fallback = default_email()
    return {pk: chosen.get(pk, fallback) for pk in user_ids}


def email_choice(user) -> str:
    return email_choices([user.pk])[user.pk]


def set_email_choice(user, value: str) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"email": value})


def unread_count(user) -> int:
    """The bell's number: one query on the partial index of unread notifications."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notify(
    recipients: Iterable,
    text: str,
    url: str,
    *,
    verb: str = "",
    target: tuple[str, int] | None = None,
    key: str = "",
    at: dt.datetime | None = None,
) -> list[Notification]:
    """One notification per active recipient (duplicates and inactive users left out);
    with a `key`, none for a recipient who already has one with that key. The letters
    of those who chose "at once" are queued in the outbox. Returns the new rows.

    Queries: one for existing keys (with a key), one insert, one for the e-mail
    choices, one insert per letter."""
    people = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in people:
            people[user.pk] = user
    if not people:
        return []
    if key:
        have = set(
            Notification.objects.filter(recipient_id__in=people, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        for pk in have:
            people.pop(pk, None)
        if not people:
            return []
    choices = email_choices(people)
    at = at or timezone.now()
    target_type, target_id = target or ("", None)
    rows = [
        Notification(
            recipient_id=pk,
            verb=verb[:64],
            text=str(text)[:500],
            url=str(url)[:500],
            target_type=target_type,
            target_id=target_id,
            key=key,
            created_at=at,
            digest_pending=choices[pk] == EmailChoice.DIGEST and bool(user.email),
        )
        for pk, user in people.items()
    ]
    # A concurrent run that created the same keyed notification meanwhile wins: the
    # unique constraint drops this one.
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    instant = [
        (people[row.recipient_id], row)
        for row in created
        if choices[row.recipient_id] == EmailChoice.INSTANT and people[row.recipient_id].email
    ]
    if instant:
        with translation.override(settings.LANGUAGE_CODE):
            for user, row in instant:
                _queue_instant(user, row)
    return created


def _queue_instant(user, notification: Notification) -> None:
    context = {"user": user, "notification": notification,
               "link": links.absolute(notification.url),
               "list_link": links.absolute("/notifications/")}  # fmt: skip
    subject = render_to_string("intranet/email/notification_subject.txt", context).strip()
    body = render_to_string("intranet/email/notification.txt", context)
    # The key: one letter per notification, whatever happens to the transaction's
    # retries. A row created with ignore_conflicts has no pk: keyed by its own key.
    ident = notification.pk or f"{notification.key}:{user.pk}"
    outbox.queue(kind=NOTICE_MAIL, to=user.email, subject=subject, body=body,
                 key=f"{NOTICE_MAIL}:{ident}"[:200])  # fmt: skip


def digest_hour() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DIGEST_HOUR", 8))


def send_digests(day: dt.date | None = None) -> dict[str, int]:
    """One letter per person with notifications waiting for the digest, listing them
    (newest first); they then wait no more. Returns {username: how many}. A second run
    queues nothing new (the letter's key is the person, the day and the newest item)."""
    day = day or timezone.localdate()
    waiting = (
        Notification.objects.filter(digest_pending=True)
        .select_related("recipient")
        .order_by("recipient_id", "-created_at", "-pk")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    sent: dict[str, int] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for items in by_user.values():
            user = items[0].recipient
            with transaction.atomic():
                if user.is_active and user.email:
                    for item in items:
                        item.link = links.absolute(item.url)
                    context = {"user": user, "notifications": items, "today": day,
                               "list_link": links.absolute("/notifications/")}  # fmt: skip
                    subject = render_to_string(
                        "intranet/email/notification_digest_subject.txt", context
                    ).strip()
                    body = render_to_string("intranet/email/notification_digest.txt", context)
                    outbox.queue(kind=DIGEST_MAIL, to=user.email, subject=subject, body=body,
                                 key=f"{DIGEST_MAIL}:{day}:{user.pk}:{items[0].pk}")  # fmt: skip
                    sent[user.username] = len(items)
                Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                    digest_pending=False
                )
    return sent


def forget(target_type: str, target_id: int) -> int:
    """Delete the notifications about an object that is gone (a case destroyed under a
    retention act): their text names it, their link leads nowhere."""
    deleted, _rows = Notification.objects.filter(
        target_type=target_type, target_id=target_id
    ).delete()
    return deleted


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all of them, or `ids`)."""
    condition = Q(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        condition &= Q(pk__in=list(ids))
    return Notification.objects.filter(condition).update(read_at=timezone.now())
