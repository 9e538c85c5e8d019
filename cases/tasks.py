"""Periodic jobs of the cases desk, registered on the Celery app's beat schedule.

- Every working day at CASES_DIGEST_HOUR: one digest mail per executor, co-executor
  and head of unit, listing their open cases that are overdue or due within 3 working
  days (never one mail per case).
  The digests go through the outbox (intranet.outbox), one message per person and
  day: a second run of the day queues nothing new, one bad address stops nobody else.
- Every day at CASES_NOTIFY_DEADLINES_HOUR: notifications of deadlines approaching, due
  today and overdue (cases.notifications.notify_deadlines), each once per case.
- Every night: files uploaded with a form that was never completed are deleted."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases import deadlines, notifications
from cases.choices import DeadlineState
from cases.models import Attachment, Case
from intranet import outbox
from intranet.accounts.models import User
from intranet.celery import beat_entries
from intranet.workdays import get_calendar

DIGEST_TASK = "cases.send_deadline_digest"
PURGE_TASK = "cases.purge_orphan_attachments"
DEADLINE_NOTICES_TASK = "cases.notify_deadlines"
DIGEST_MAIL = "cases.digest"

logger = logging.getLogger(__name__)

outbox.register(DIGEST_MAIL, _("Digest of cases due soon and overdue"))


def digest_recipients(today: dt.date, calendar=None) -> dict[int, dict]:
    """Who gets which cases today: {user id: {"user", "overdue", "due_soon"}}."""
    calendar = calendar or get_calendar()
    until = deadlines.due_soon_until(today, calendar)
    cases = (
        Case.objects.running()
        .filter(due_date__lte=until)
        .select_related("unit__head", "executor")
        .prefetch_related(Prefetch("co_executors", queryset=User.objects.all()))
        .order_by("due_date", "pk")
    )
    result: dict[int, dict] = {}
    for case in cases:
        state = case.deadline_state(today, calendar)
        bucket = "overdue" if state == DeadlineState.OVERDUE else "due_soon"
        people = [case.executor, *case.co_executors.all()]
        if case.unit_id and case.unit.head_id:
            people.append(case.unit.head)
        for person in {p.pk: p for p in people if p is not None and p.is_active}.values():
            entry = result.setdefault(person.pk, {"user": person, "overdue": [], "due_soon": []})
            entry[bucket].append(case)
    return result


@shared_task(name=DIGEST_TASK)
def send_deadline_digest(today: str | None = None, force: bool = False) -> dict:
    """Queue the digests; returns who gets one (usernames) and how many cases each.
    Skips non-working days unless `force`."""
    calendar = get_calendar()
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    if not force and not calendar.is_working_day(day):
        return {"skipped": "non-working day", "recipients": {}}
    sent_to, no_address = {}, []
    with translation.override(settings.LANGUAGE_CODE):
        for entry in digest_recipients(day, calendar).values():
            user = entry["user"]
            if not user.email:
                no_address.append(user.username)
                continue
            context = {**entry, "today": day}
            subject = render_to_string("cases/email/digest_subject.txt", context).strip()
            body = render_to_string("cases/email/digest.txt", context)
            outbox.queue(kind=DIGEST_MAIL, to=user.email, subject=subject, body=body,
                         key=f"{DIGEST_MAIL}:{day.isoformat()}:{user.pk}")  # fmt: skip
            sent_to[user.username] = len(entry["overdue"]) + len(entry["due_soon"])
    return {"recipients": sent_to, "without_email": sorted(no_address)}


@shared_task(name=DEADLINE_NOTICES_TASK)
def notify_deadlines(today: str | None = None) -> dict:
    """The deadline notifications of the day (every day: an overdue case is told on a
    weekend too, and a re-run tells nobody twice)."""
    day = dt.date.fromisoformat(today) if today else None
    return notifications.notify_deadlines(day)


@shared_task(name=PURGE_TASK)
def purge_orphan_attachments(hours: int = 24) -> int:
    """Delete kept uploads never attached to a case within `hours`."""
    limit = timezone.now() - dt.timedelta(hours=hours)
    count = 0
    for attachment in Attachment.objects.filter(case__isnull=True, uploaded_at__lt=limit):
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count


@beat_entries
def setup_periodic_tasks(sender, **kwargs):
    hour = getattr(settings, "CASES_DIGEST_HOUR", 8)
    sender.add_periodic_task(
        crontab(hour=hour, minute=0), send_deadline_digest.s(), name="cases: deadline digest"
    )
    sender.add_periodic_task(
        crontab(hour=getattr(settings, "CASES_NOTIFY_DEADLINES_HOUR", 7), minute=0),
        notify_deadlines.s(),
        name="cases: deadline notifications",
    )
    sender.add_periodic_task(
        crontab(hour=3, minute=30), purge_orphan_attachments.s(), name="cases: orphan uploads"
    )
