"""Filing closed cases, the destruction review, destruction acts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions
from cases.choices import FINAL_STATUSES
from cases.models import Case
from cases.retention.models import CaseFile, DestructionAct, FiledCase


def can_manage(user) -> bool:
    return user.is_authenticated and permissions.is_registrar(user)


def can_approve(user) -> bool:
    return user.is_authenticated and permissions.is_head(user)


def can_view(user) -> bool:
    return can_manage(user) or can_approve(user)


def file_for(case: Case, files: dict | None = None) -> CaseFile | None:
    """The rule: the file of the year of closing for the case's regime, else the
    year's general file (no regime)."""
    closed = timezone.localtime(case.closed_at or case.updated_at)
    if files is None:
        files = {(f.year, f.regime): f for f in CaseFile.objects.filter(year=closed.year)}
    return files.get((closed.year, case.regime)) or files.get((closed.year, ""))


def file_closed_cases(limit: int = 5000) -> int:
    """File every closed case not filed yet into its file (run daily by the beat, and
    safe to run again). Cases with no matching file stay unfiled and are listed for the
    registrar. Returns the number filed."""
    pending = (
        Case.objects.filter(status__in=FINAL_STATUSES, filing__isnull=True)
        .only("pk", "regime", "closed_at", "updated_at")
        .order_by("pk")[:limit]
    )
    files = {(f.year, f.regime): f for f in CaseFile.objects.all()}
    rows = []
    for case in pending:
        case_file = file_for(case, files)
        if case_file is not None:
            rows.append(FiledCase(case=case, case_file=case_file))
    FiledCase.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unfiled_count() -> int:
    return Case.objects.filter(status__in=FINAL_STATUSES, filing__isnull=True).count()


def files_with_counts() -> QuerySet:
    return CaseFile.objects.annotate(cases=Count("filed"))


@transaction.atomic
def draft_act(case_file: CaseFile, by, reason: str) -> DestructionAct:
    if not can_manage(by):
        raise PermissionDenied
    if not case_file.is_due():
        raise ValidationError(
            _("The retention period of this file runs until %(date)s.")
            % {"date": case_file.review_due_on.strftime("%d.%m.%Y")}
        )
    # ЭПК: an expert commission decides; the act records that it did.
    if "ЭПК" in case_file.mark.upper() and "экспертн" not in (reason or "").lower():
        raise ValidationError(
            {"reason": _("An ЭПК file needs the expert commission's decision in the grounds.")}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("State the grounds for destruction.")})
    if case_file.acts.filter(executed_at__isnull=True).exists():
        raise ValidationError(_("This file already has an act waiting."))
    return DestructionAct.objects.create(case_file=case_file, drafted_by=by, reason=reason.strip())


@transaction.atomic
def approve_act(act: DestructionAct, by) -> DestructionAct:
    act = DestructionAct.objects.select_for_update().get(pk=act.pk)
    if not can_approve(by):
        raise PermissionDenied
    if act.approved_at:
        raise ValidationError(_("The act is already approved."))
    act.approved_by, act.approved_at = by, timezone.now()
    act.save(update_fields=["approved_by", "approved_at"])
    return act


@transaction.atomic
def execute_act(act: DestructionAct, by, request=None) -> int:
    """Delete the cases of an approved act's file, with their files on disk; each one is
    written to the audit log and listed in the act. Returns the number deleted."""
    from intranet import audit

    act = DestructionAct.objects.select_for_update().select_related("case_file").get(pk=act.pk)
    if not can_manage(by):
        raise PermissionDenied
    if not act.approved_at:
        raise ValidationError(_("A head must approve the act before anything is deleted."))
    if act.executed_at:
        raise ValidationError(_("The act has already been executed."))
    if not act.case_file.is_due():
        raise ValidationError(_("The retention period of this file has not ended."))
    destroyed = []
    cases = Case.objects.filter(filing__case_file=act.case_file).prefetch_related("attachments")
    for case in cases:
        files = [a.file for a in case.attachments.all()]
        destroyed.append({"id": case.pk, "number": case.registration_number,
                          "subject": case.subject[:200]})  # fmt: skip
        audit.record(request, "record_destroyed", case, actor=by, act=act.pk,
                     number=case.registration_number, case_file=str(act.case_file))  # fmt: skip
        case.delete()
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.delete(save=False))
    act.destroyed = destroyed
    act.executed_by, act.executed_at = by, timezone.now()
    act.save(update_fields=["destroyed", "executed_by", "executed_at"])
    return len(destroyed)
