"""Quality review of answers by the heads of units (seed 001 §7, DESIGN.md "Control").

A head reviews answered cases of the units they head, all of them or a per-unit random
sample, on the checklist of the seeds; each point is scored 0 (no), 1 (partly) or 2
(yes), or "not applicable" (refusal grounds for an answer that is not a refusal). The
total is the share of the possible points, in per cent, stored for reports. A poor
review can return the case for rework: the registered answer stays as it was sent (it
is an outgoing document), the executor gets a rework task on the review and closes it
with a note on what was done (a supplementary answer, a corrected letter)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from intranet import formatting

# (field, label) in the order of the checklist.
CHECKLIST = [
    ("complete", _("Complete: every question of the client is answered")),
    ("accurate", _("Accurate and reliable")),
    ("meets_need", _("Meets the client's actual need")),
    ("plain_language", _("Plain, accessible language")),
    ("refusal_grounds", _("Refusal grounds understandable without reading legal acts")),
    ("channels", _("Sent on the chosen channel and the additional one")),
    ("on_time", _("On time")),
    ("courteous", _("Courteous")),
]
POINTS = [name for name, _label in CHECKLIST]


class Score(models.IntegerChoices):
    NO = 0, _("No")
    PARTLY = 1, _("Partly")
    YES = 2, _("Yes")


class UnitReviewSettings(models.Model):
    """How much of a unit's answered cases its head reviews."""

    unit = models.OneToOneField(
        "intranet.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="review_settings",
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("share of answered cases to review, %"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("100: every answered case; less: a random sample, the same for everyone."),
    )
    poor_below = models.PositiveSmallIntegerField(
        _("a review below this total (%) is poor"),
        default=70,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("review settings of a unit")
        verbose_name_plural = _("review settings of units")

    def __str__(self):
        return str(self.unit)


# Knuth's multiplicative hash: spreads consecutive case ids over 0..99.
SAMPLE_MULTIPLIER = 2654435761


def sample_draw(case_id: int, unit_id: int) -> int:
    """A stable pseudo-random number 0..99 for a case in its unit; the same formula runs
    in the database (services.review_queue), so the queue does not change between
    visits and every head of the unit sees the same sample."""
    return (case_id * SAMPLE_MULTIPLIER + unit_id) % 100


def in_sample(case_id: int, unit_id: int, percent: int) -> bool:
    return percent >= 100 or sample_draw(case_id, unit_id) < percent


def _score_field(label):
    return models.PositiveSmallIntegerField(label, choices=Score.choices, null=True, blank=True)


class QualityReview(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="review"
    )
    unit = models.ForeignKey(
        "intranet.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="quality_reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)
    complete = _score_field(CHECKLIST[0][1])
    accurate = _score_field(CHECKLIST[1][1])
    meets_need = _score_field(CHECKLIST[2][1])
    plain_language = _score_field(CHECKLIST[3][1])
    refusal_grounds = _score_field(CHECKLIST[4][1])
    channels = _score_field(CHECKLIST[5][1])
    on_time = _score_field(CHECKLIST[6][1])
    courteous = _score_field(CHECKLIST[7][1])
    total = models.PositiveSmallIntegerField(_("total, %"))
    comment = models.TextField(_("comment"), blank=True)
    rework_required = models.BooleanField(_("returned for rework"), default=False)
    rework_done_at = models.DateTimeField(_("rework done at"), null=True, blank=True)
    rework_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-reviewed_at"]
        indexes = [
            models.Index(fields=["unit", "reviewed_at"], name="quality_unit_date"),
            models.Index(fields=["executor", "reviewed_at"], name="quality_executor_date"),
        ]

    def __str__(self):
        return f"{self.case} — {formatting.percent(self.total, 0)}"

    def scores(self) -> list[tuple[str, str, int | None]]:
        return [(name, label, getattr(self, name)) for name, label in CHECKLIST]

    @staticmethod
    def compute_total(values: dict[str, int | None]) -> int:
        scored = [value for value in values.values() if value is not None]
        if not scored:
            return 0
        return round(100 * sum(scored) / (2 * len(scored)))
