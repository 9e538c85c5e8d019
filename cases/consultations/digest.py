"""Each unit's editors and head get the new gaps of their own unit, once: one message
per person through the outbox (intranet.outbox), queued in the transaction that records
the gaps as notified."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.consultations import gaps
from cases.consultations.models import GapNotice
from intranet import links, outbox

GAP_DIGEST = "consultations.gaps"

outbox.register(GAP_DIGEST, gettext_lazy("Knowledge gaps of a unit"))


def send_gap_digests() -> int:
    """Queues one digest per unit with new gaps, to each of its editors and heads;
    returns the number of units written to."""
    from intranet.models import Unit
    from kb.ownership import unit_recipients

    by_unit: dict[int, list[gaps.Cluster]] = {}
    for group in gaps.find_gaps():
        if group.unit_id:
            by_unit.setdefault(group.unit_id, []).append(group)
    sent_keys = set(GapNotice.objects.filter(unit_id__in=by_unit).values_list("unit_id", "key"))
    letters = 0
    for unit in Unit.objects.filter(pk__in=by_unit).order_by("pk"):
        new = [g for g in by_unit[unit.pk] if (unit.pk, g.key) not in sent_keys]
        if not new:
            continue
        recipients = [u.email for u in unit_recipients(unit) if u.email]
        if not recipients:
            continue
        lines = [f"— {g.sample} ({len(g.questions)})" for g in new]
        body = "\n".join(
            [_("Questions that keep coming and that no article answers yet:"), "", *lines, "",
             links.absolute(reverse("gaps:list"))]
        )  # fmt: skip
        with transaction.atomic():
            GapNotice.objects.bulk_create(
                [
                    GapNotice(
                        unit=unit,
                        key=g.key,
                        topic=g.topic,
                        sample=g.sample,
                        questions=len(g.questions),
                    )
                    for g in new
                ],
                ignore_conflicts=True,
            )
            subject = _("Knowledge gaps of %(unit)s") % {"unit": unit}
            for recipient in recipients:
                outbox.queue(kind=GAP_DIGEST, to=recipient, subject=subject, body=body)
        letters += 1
    return letters
