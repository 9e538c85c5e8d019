"""Demo quality reviews (idempotent): the sample setting of one unit, one reviewed
answer with a rework request, the other answered cases left in the head's queue."""

from __future__ import annotations

from cases.models import Case
from cases.quality import services
from cases.quality.models import QualityReview, UnitReviewSettings


def seed(stdout=None) -> dict:
    from intranet.models import Unit

    oki = Unit.objects.filter(short_name="ОКИ").first()
    if oki is not None:
        UnitReviewSettings.objects.get_or_create(unit=oki, defaults={"sample_percent": 50})
    answered = (
        Case.objects.filter(
            status__in=services.ANSWERED_STATUSES, answer__registered_at__isnull=False
        )
        .select_related("unit__head", "answer")
        .order_by("pk")
    )
    created = 0
    for case in answered[:1]:
        head = case.unit.head if case.unit_id else None
        if head is None or QualityReview.objects.filter(case=case).exists():
            continue
        services.review(
            case,
            head,
            scores={"complete": 2, "accurate": 2, "meets_need": 1, "plain_language": 1,
                    "refusal_grounds": 2, "channels": 2, "on_time": 2, "courteous": 2},
            comment="Ответ верный, но длинные предложения: разбейте второй абзац и добавьте "
            "ссылку на образец уведомления.",
            rework=True,
        )  # fmt: skip
        created += 1
    if stdout is not None and created:
        stdout.write(f"Контроль качества: оценок добавлено: {created}.")
    return {"reviews": created}
