"""Storage by the nomenclature of cases (номенклатура дел; seeds 000 §2.1, 001 §2;
DESIGN.md "Storage"). Each year the registrar keeps case files with an index, a title
and a retention period (appeals: 5 years "ЭПК", Перечень Росархива N 236; to be
confirmed per body). Closed cases are filed by rules: the file of the year of closing
for the case's regime, else the year's general file. A file's period runs from 1 January
of the year after its year (archival practice); after it the file is due for a
destruction review. Nothing is deleted automatically: a registrar drafts a destruction
act, a head approves it, only then can the registrar execute it; every deleted case is
written to the audit log and listed in the act."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Regime


class CaseFile(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    index = models.CharField(_("index"), max_length=32)
    title = models.CharField(_("title"), max_length=255)
    regime = models.CharField(
        _("regime of the cases filed"),
        max_length=32,
        choices=Regime.choices,
        blank=True,
        help_text=_("Empty: the year's general file for cases of any regime."),
    )
    retention_years = models.PositiveSmallIntegerField(_("retention period, years"))
    mark = models.CharField(_("mark"), max_length=16, blank=True, help_text=_("e.g. ЭПК"))

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["-year", "index"]
        constraints = [
            models.UniqueConstraint(fields=["year", "index"], name="casefile_year_index"),
            models.UniqueConstraint(fields=["year", "regime"], name="casefile_year_regime"),
        ]

    def __str__(self):
        return f"{self.index} {self.title} ({self.year})"

    @property
    def review_due_on(self) -> dt.date:
        return dt.date(self.year + 1 + self.retention_years, 1, 1)

    def is_due(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.review_due_on


class FiledCase(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="filing"
    )
    case_file = models.ForeignKey(
        CaseFile, verbose_name=_("case file"), on_delete=models.PROTECT, related_name="filed"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filed case")
        verbose_name_plural = _("filed cases")

    def __str__(self):
        return f"{self.case_id} → {self.case_file}"


class DestructionAct(models.Model):
    case_file = models.ForeignKey(
        CaseFile, verbose_name=_("case file"), on_delete=models.PROTECT, related_name="acts"
    )
    reason = models.TextField(_("grounds"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("executed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    destroyed = models.JSONField(_("destroyed cases"), default=list, blank=True)

    class Meta:
        verbose_name = _("destruction act")
        verbose_name_plural = _("destruction acts")
        ordering = ["-drafted_at"]

    def __str__(self):
        return f"{self.case_file} — {self.drafted_at:%d.%m.%Y}"
