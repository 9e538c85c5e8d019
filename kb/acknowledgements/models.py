"""Acknowledgement sheets (лист ознакомления, docs/knowledge_base.md): the head of the
unit that owns an article asks units, role groups or people to read it by a date; each
of them confirms «Ознакомлен(а)» on the article, which records the moment and the
revision read. A substantial change of the article (the editor's tick, see
`PendingReacknowledgement`) starts a new round: everyone is asked again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intranet.models import Unit


class Sheet(models.Model):
    """One request to read an article, with its due date; its lines are the people."""

    article = models.ForeignKey(
        "kb.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="acknowledgement_sheets",
    )
    # The article's owner unit when the sheet was made: whose head keeps the sheet.
    unit = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(
        pgettext_lazy("acknowledgement sheet", "assigned at"), default=timezone.now
    )
    due_date = models.DateField(_("due date"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # What the head chose (the lines are these, expanded into people when assigned).
    units = models.ManyToManyField(Unit, verbose_name=_("units"), blank=True, related_name="+")
    groups = models.ManyToManyField(
        "auth.Group", verbose_name=_("groups"), blank=True, related_name="+"
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="+"
    )
    # A substantial change of the article starts a new round: every line is asked again.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    round_started_at = models.DateTimeField(_("round started at"), default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement sheet")
        verbose_name_plural = _("acknowledgement sheets")
        ordering = ["-assigned_at"]

    def __str__(self) -> str:
        return f"{self.article.title} — {self.due_date:%d.%m.%Y}"

    def is_overdue(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.due_date


class Line(models.Model):
    """A person on a sheet; confirmed when they pressed «Ознакомлен(а)» in this round."""

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="lines"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="acknowledgement_lines",
    )
    # The person's unit and position when added: the sheet is grouped by them.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    position = models.CharField(_("position"), max_length=255, blank=True)
    confirmed_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("revision read"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # When the revision read was published (kept if old revisions are purged).
    revision_at = models.DateTimeField(_("revision of"), null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement sheet line")
        verbose_name_plural = _("acknowledgement sheet lines")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "user"], name="ack_line_once_per_sheet")
        ]
        indexes = [models.Index(fields=["user", "confirmed_at"], name="ack_line_user")]

    def __str__(self) -> str:
        return f"{self.sheet_id}: {self.user}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class Confirmation(models.Model):
    """Every «Ознакомлен(а)» ever pressed, kept when a new round clears the line."""

    line = models.ForeignKey(
        Line, verbose_name=_("line"), on_delete=models.CASCADE, related_name="confirmations"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    confirmed_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("revision read"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    revision_at = models.DateTimeField(_("revision of"), null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.line} {self.confirmed_at:%d.%m.%Y}"


class PendingReacknowledgement(models.Model):
    """The editor ticked «существенное изменение — ознакомить заново» on a draft: the
    next publication of the article asks every sheet's people again (and removes this)."""

    article = models.OneToOneField(
        "kb.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="pending_reacknowledgement",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    marked_at = models.DateTimeField(
        pgettext_lazy("acknowledgement sheet", "marked at"), default=timezone.now
    )

    class Meta:
        verbose_name = _("substantial change awaiting publication")
        verbose_name_plural = _("substantial changes awaiting publication")

    def __str__(self) -> str:
        return str(self.article_id)
