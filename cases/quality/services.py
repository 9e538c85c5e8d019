"""Quality review: who reviews what, the sample, scoring, rework."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Mod
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import permissions
from cases.choices import Status
from cases.models import Case, CaseEvent, EventKind
from cases.quality.models import POINTS, SAMPLE_MULTIPLIER, QualityReview, UnitReviewSettings

ANSWERED_STATUSES = [Status.ANSWERED, Status.SENT, Status.CLOSED]


def reviewable_unit_ids(user) -> frozenset[int]:
    """The units whose answers `user` reviews: those they head and the units below."""
    if not user.is_authenticated:
        return frozenset()
    return permissions.headed_subtree_ids(user)


def can_review(user, case: Case) -> bool:
    if case.unit_id is None or case.unit_id not in reviewable_unit_ids(user):
        return False
    if case.is_confidential:  # only the direct head of its unit
        return case.unit_id in permissions.headed_unit_ids(user)
    return True


def _visible_to_reviewer(user) -> Q:
    units = reviewable_unit_ids(user)
    direct = permissions.headed_unit_ids(user)
    return Q(unit_id__in=units) & (Q(is_confidential=False) | Q(unit_id__in=direct))


def review_queue(user) -> QuerySet:
    """Answered cases of the reviewer's units, in their unit's sample, not reviewed yet;
    the oldest answer first. The sample is drawn in the database (models.sample_draw)."""
    percent = Coalesce(
        F("unit__review_settings__sample_percent"), Value(100), output_field=IntegerField()
    )
    return (
        Case.objects.filter(_visible_to_reviewer(user))
        .filter(status__in=ANSWERED_STATUSES, answer__registered_at__isnull=False)
        .filter(review__isnull=True)
        .annotate(
            draw=Mod(F("pk") * Value(SAMPLE_MULTIPLIER) + F("unit_id"), Value(100)),
            percent=percent,
        )
        .filter(draw__lt=F("percent"))
        .select_related("unit", "executor", "answer")
        .order_by("answer__registered_at", "pk")
    )


def reviews_of_reviewer(user) -> QuerySet:
    return (
        QualityReview.objects.filter(unit_id__in=reviewable_unit_ids(user))
        .filter(Q(case__is_confidential=False) | Q(unit_id__in=permissions.headed_unit_ids(user)))
        .select_related("case", "executor", "reviewer", "unit")
    )


def reviews_of_executor(user) -> QuerySet:
    return QualityReview.objects.filter(executor=user).select_related("case", "reviewer", "unit")


def settings_for(unit) -> UnitReviewSettings:
    return UnitReviewSettings.objects.filter(unit=unit).first() or UnitReviewSettings(unit=unit)


@transaction.atomic
def review(case: Case, reviewer, *, scores: dict, comment: str = "", rework: bool = False):
    """Score an answered case on the checklist. Every point needs a score; the refusal
    point is "not applicable" (None) unless the answer is a refusal. Returning for
    rework needs a comment that says what to fix."""
    from cases.models import AnswerKind

    if not can_review(reviewer, case):
        raise PermissionDenied(_("You do not head the unit of this case."))
    case = Case.objects.select_for_update(of=("self",)).select_related("answer").get(pk=case.pk)
    answer = getattr(case, "answer", None)
    if case.status not in ANSWERED_STATUSES or answer is None or not answer.registered_at:
        raise ValidationError(_("Only answered cases are reviewed."))
    values = {}
    errors = {}
    refusal = answer.kind == AnswerKind.REFUSAL
    for name in POINTS:
        value = scores.get(name)
        if name == "refusal_grounds" and not refusal:
            values[name] = None
            continue
        if value in (None, ""):
            errors[name] = _("Score this point.")
            continue
        value = int(value)
        if value not in (0, 1, 2):
            errors[name] = _("Score this point.")
            continue
        values[name] = value
    comment = (comment or "").strip()
    if rework and not comment:
        errors["comment"] = _("Say what to fix when you return the case for rework.")
    if errors:
        raise ValidationError(errors)
    item = QualityReview(
        case=case, unit_id=case.unit_id, executor_id=case.executor_id, reviewer=reviewer,
        total=QualityReview.compute_total(values), comment=comment, rework_required=rework,
        **values,
    )  # fmt: skip
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(_("This case has already been reviewed.")) from exc
    if rework:
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Quality review (%(total)s%%): returned for rework. %(comment)s") % {
                "total": item.total,
                "comment": comment,
            }
        CaseEvent.objects.create(
            case=case, actor=reviewer, kind=EventKind.RETURNED, message=message,
            from_status=case.status, to_status=case.status,
        )  # fmt: skip
    return item


@transaction.atomic
def complete_rework(item: QualityReview, user, note: str) -> QualityReview:
    item = QualityReview.objects.select_for_update().get(pk=item.pk)
    if item.executor_id != user.pk:
        raise PermissionDenied(_("Only the executor of the case closes its rework."))
    if not item.rework_required or item.rework_done_at:
        raise ValidationError(_("There is no open rework on this review."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    item.rework_done_at = timezone.now()
    item.rework_note = note
    item.save(update_fields=["rework_done_at", "rework_note"])
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Rework after the quality review done: %(note)s") % {"note": note}
    CaseEvent.objects.create(
        case_id=item.case_id, actor=user, kind=EventKind.NOTE, message=message,
        from_status=item.case.status, to_status=item.case.status,
    )  # fmt: skip
    return item
