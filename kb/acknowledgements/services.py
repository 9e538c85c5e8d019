"""Acknowledgement sheets: assigning, confirming, asking again after a substantial
change, and the reminders (docs/knowledge_base.md, «Листы ознакомления»). Each
operation is one transaction; the notifications go through intranet.notifications,
which respects each person's choice of e-mail."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet import notifications
from intranet.models import StaffProfile
from kb.acknowledgements import permissions
from kb.acknowledgements.models import Confirmation, Line, PendingReacknowledgement, Sheet

logger = logging.getLogger(__name__)

VERB_ASSIGNED = "kb.acknowledge"
VERB_AGAIN = "kb.acknowledge_again"
VERB_REMINDER = "kb.acknowledge_reminder"
VERB_OVERDUE = "kb.acknowledge_overdue"


def remind_days_before() -> int:
    """How many days before the due date the reminder goes out (setting)."""
    return int(getattr(settings, "KB_ACK_REMIND_DAYS_BEFORE", 2))


def expand(units=(), groups=(), people=()) -> list:
    """The people a choice of units (each with the units below it), role groups and
    people stands for: eligible accounts only (`permissions.eligible_people`)."""
    from django.db.models import Q

    unit_ids: set[int] = set()
    for unit in units:
        unit_ids |= unit.descendant_ids()
    condition = Q(pk__in=[])
    if unit_ids:
        condition |= Q(profile__unit__in=unit_ids)
    if groups:
        condition |= Q(groups__in=list(groups))
    if people:
        condition |= Q(pk__in=[person.pk for person in people])
    return list(
        permissions.eligible_people().filter(condition).distinct().order_by("last_name", "pk")
    )


def _article_url(article) -> str:
    return article.get_url() or article.url or ""


def _notify(users, text: str, article, *, verb: str, key: str):
    return notifications.notify(
        users, text, _article_url(article), verb=verb, target=("kb_article", article.pk), key=key
    )


@transaction.atomic
def assign(article, by, *, due_date: dt.date, units=(), groups=(), people=(), note="") -> Sheet:
    """Ask `units`, `groups` and `people` to read `article` by `due_date`: a sheet with a
    line per person, each told in their notifications."""
    if not permissions.can_manage(by, article):
        raise PermissionDenied
    if not permissions.is_applicable(article):
        raise ValidationError(
            _(
                "Acknowledgement sheets are for provisions, procedures, regulations and "
                "instructions."
            )
        )
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    users = expand(units, groups, people)
    if not users:
        raise ValidationError(
            _("Nobody to ask: choose units, groups or people with staff in them.")
        )
    sheet = Sheet.objects.create(
        article=article, unit_id=article.owner_unit_id, assigned_by=by, due_date=due_date,
        note=note.strip(),
    )  # fmt: skip
    sheet.units.set(units)
    sheet.groups.set(groups)
    sheet.people.set(people)
    profiles = {
        row["user_id"]: row
        for row in StaffProfile.objects.filter(user__in=users).values(
            "user_id", "unit_id", "position"
        )
    }
    Line.objects.bulk_create(
        Line(
            sheet=sheet,
            user=user,
            unit_id=profiles.get(user.pk, {}).get("unit_id"),
            position=(profiles.get(user.pk, {}).get("position") or "")[:255],
        )
        for user in users
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Please read «%(title)s» and confirm by %(date)s") % {
            "title": article.title,
            "date": f"{due_date:%d.%m.%Y}",
        }
        _notify(users, text, article, verb=VERB_ASSIGNED, key=f"kb-ack:{sheet.pk}:1")
    return sheet


def open_lines(user, article):
    """The lines of `user` on the sheets of `article` still waiting for a confirmation."""
    if not user.is_authenticated:
        return Line.objects.none()
    return Line.objects.filter(sheet__article=article, user=user, confirmed_at__isnull=True)


def has_lines(user, article) -> bool:
    return user.is_authenticated and Line.objects.filter(sheet__article=article, user=user).exists()


@transaction.atomic
def confirm(article, user) -> int:
    """«Ознакомлен(а)»: every open line of `user` on the article's sheets is confirmed
    with the moment and the live revision. Returns how many lines were confirmed;
    PermissionDenied for a person on no sheet of the article."""
    if not has_lines(user, article):
        raise PermissionDenied
    lines = list(open_lines(user, article).select_for_update().select_related("sheet"))
    now = timezone.now()
    # The revision live now (read from the row: the caller's copy may be older).
    revision_id, published = (
        type(article).objects.filter(pk=article.pk)
        .values_list("live_revision_id", "last_published_at").get()
    )  # fmt: skip
    published = published or now
    for line in lines:
        line.confirmed_at, line.revision_id, line.revision_at = now, revision_id, published
        line.save(update_fields=["confirmed_at", "revision", "revision_at"])
        Confirmation.objects.create(line=line, round=line.sheet.round, confirmed_at=now,
                                    revision_id=revision_id, revision_at=published)  # fmt: skip
    return len(lines)


def mark_substantial(article, by, substantial: bool) -> None:
    """The editor's tick on a draft: the next publication asks everyone again."""
    if substantial:
        PendingReacknowledgement.objects.update_or_create(
            article_id=article.pk, defaults={"marked_by": by, "marked_at": timezone.now()}
        )
    else:
        PendingReacknowledgement.objects.filter(article_id=article.pk).delete()


def is_marked_substantial(article) -> bool:
    pending = PendingReacknowledgement.objects.filter(article_id=article.pk)
    return bool(article.pk) and pending.exists()


@transaction.atomic
def published(article) -> int:
    """An article was published: when its change was marked substantial, every sheet of
    it starts a new round. Returns the number of sheets asked again."""
    deleted, _rows = PendingReacknowledgement.objects.filter(article_id=article.pk).delete()
    if not deleted:
        return 0
    return reacknowledge(article)


@transaction.atomic
def reacknowledge(article, today: dt.date | None = None) -> int:
    """A new round on every sheet of `article`: every line is cleared (the confirmations
    stay in the log) and its person is asked again. The due date moves so that people
    have as long as the first time (never earlier than it was)."""
    today = today or timezone.localdate()
    sheets = list(Sheet.objects.select_for_update().filter(article=article))
    with translation.override(settings.LANGUAGE_CODE):
        for sheet in sheets:
            period = max((sheet.due_date - timezone.localdate(sheet.assigned_at)).days, 1)
            sheet.due_date = max(sheet.due_date, today + dt.timedelta(days=period))
            sheet.round += 1
            sheet.round_started_at = timezone.now()
            sheet.save(update_fields=["due_date", "round", "round_started_at"])
            sheet.lines.update(confirmed_at=None, revision=None, revision_at=None)
            users = [line.user for line in sheet.lines.select_related("user")]
            text = _(
                "«%(title)s» has changed substantially: please read the new revision and "
                "confirm by %(date)s"
            ) % {"title": article.title, "date": f"{sheet.due_date:%d.%m.%Y}"}
            _notify(users, text, article, verb=VERB_AGAIN, key=f"kb-ack:{sheet.pk}:{sheet.round}")
    return len(sheets)


def send_reminders(today: dt.date | None = None) -> dict[str, int]:
    """Daily: a reminder to each person who has not confirmed when the due date is
    `KB_ACK_REMIND_DAYS_BEFORE` days away or nearer, and one notice the day after it
    passed. Each is made once per line and round (a re-run tells nobody twice); a line
    that fails is logged and the others go on."""
    today = today or timezone.localdate()
    soon_until = today + dt.timedelta(days=remind_days_before())
    lines = (
        Line.objects.filter(confirmed_at__isnull=True, sheet__due_date__lte=soon_until,
                            user__is_active=True)
        .select_related("sheet__article", "user")
        .order_by("sheet_id", "pk")
    )  # fmt: skip
    made = {"reminders": 0, "overdue": 0, "skipped": 0, "failed": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for line in lines:
            try:
                with transaction.atomic():
                    made[_remind(line, today)] += 1
            except Exception:
                made["failed"] += 1
                logger.exception("acknowledgement reminder for line %s failed", line.pk)
    return made


def _remind(line: Line, today: dt.date) -> str:
    sheet, article = line.sheet, line.sheet.article.specific
    values = {"title": article.title, "date": f"{sheet.due_date:%d.%m.%Y}"}
    if sheet.due_date >= today:
        kind, verb = "reminders", VERB_REMINDER
        text = _("Reminder: please read «%(title)s» and confirm by %(date)s") % values
    else:
        kind, verb = "overdue", VERB_OVERDUE
        text = _("Overdue: you were asked to read «%(title)s» by %(date)s") % values
    key = f"kb-ack:{kind}:{line.pk}:{sheet.round}"
    created = _notify([line.user], text, article, verb=verb, key=key)
    return kind if created else "skipped"


def sheet_rows(sheet, today: dt.date | None = None) -> list[dict]:
    """The sheet grouped by unit: [{"unit", "lines", "confirmed", "total"}], units in
    the organisation's order, people without a unit last; each line marked overdue
    when it is unconfirmed past the due date."""
    today = today or timezone.localdate()
    lines = sheet.lines.select_related("user", "unit").order_by(
        "unit__sort_order", "unit__name", "user__last_name", "user__first_name", "pk"
    )
    groups: dict[int | None, dict] = {}
    for line in lines:
        line.overdue = line.confirmed_at is None and sheet.due_date < today
        group = groups.setdefault(line.unit_id, {"unit": line.unit, "lines": [], "confirmed": 0})
        group["lines"].append(line)
        group["confirmed"] += line.confirmed
    rows = [group for key, group in groups.items() if key is not None]
    if None in groups:
        rows.append(groups[None])
    for group in rows:
        group["total"] = len(group["lines"])
    return rows


def sheets_for(user):
    """The sheets `user` keeps (the units they head; administrators: all)."""
    from django.db.models import Count, Q

    units = permissions.headed_units(user)
    return (
        Sheet.objects.filter(article__owner_unit__in=units)
        .select_related("article", "unit")
        .annotate(
            total=Count("lines"),
            confirmed=Count("lines", filter=Q(lines__confirmed_at__isnull=False)),
        )
        .order_by("-assigned_at")
    )


def articles_for(user):
    """The articles `user` may ask people to read."""
    from kb.models import ArticlePage

    return (
        ArticlePage.objects.live()
        .filter(kind__in=permissions.APPLICABLE_KINDS,
                owner_unit__in=permissions.headed_units(user))
        .order_by("title")
    )  # fmt: skip
