"""Receivers of the cases desk for changes elsewhere in the intranet.

A production calendar exception added, changed or removed in the admin re-dates the
running cases it affects (`cases.redating`), once the change is committed. A delivery
deleted with its case (a retention act) takes its e-mail out of the outbox; a case
deleted takes its notifications (intranet.notifications) with it."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cases.models import Case, Delivery
from intranet import notifications, outbox
from intranet.models import CalendarOverride

# The state of an exception before its save: (date, working), keyed by its pk.
_BEFORE: dict[int, tuple] = {}


@receiver(pre_save, sender=CalendarOverride, dispatch_uid="cases.calendar_before")
def _remember(sender, instance: CalendarOverride, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    row = sender.objects.filter(pk=instance.pk).values_list("date", "is_working").first()
    if row is not None:
        _BEFORE[instance.pk] = row


@receiver(post_save, sender=CalendarOverride, dispatch_uid="cases.calendar_saved")
def _saved(sender, instance: CalendarOverride, created=False, raw=False, **kwargs):
    if raw:
        return
    old = None if created else _BEFORE.pop(instance.pk, None)
    new = (instance.date, instance.is_working)
    if old == new:
        return  # only the reason or the shortened day changed: no date moves
    _after_commit(old, (instance.date, instance.is_working, instance.reason))


@receiver(post_delete, sender=CalendarOverride, dispatch_uid="cases.calendar_deleted")
def _deleted(sender, instance: CalendarOverride, **kwargs):
    _after_commit((instance.date, instance.is_working), None)


def _after_commit(old, new) -> None:
    def run():
        from cases import redating

        days = {day for day in (old and old[0], new and new[0]) if day}
        after = redating.get_calendar()
        before = redating.calendar_before(after, old, new[0] if new else None)
        redating.redate(days, before, after, change=redating.describe_change(old, new))

    transaction.on_commit(run)


@receiver(post_delete, sender=Delivery, dispatch_uid="cases.delivery_deleted")
def _delivery_deleted(sender, instance: Delivery, **kwargs):
    if instance.outgoing_id:
        outbox.discard([instance.outgoing_id])


@receiver(post_delete, sender=Case, dispatch_uid="cases.case_deleted")
def _case_deleted(sender, instance: Case, **kwargs):
    notifications.forget("case", instance.pk)
