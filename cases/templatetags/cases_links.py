"""What cases/includes/links.html shows: the case's related cases, what it is joined to
or joined with, a possible repeat, and the form to link or join (registrars, heads)."""

from django import template
from django.db.models import Q

from cases import permissions
from cases.forms import LinkForm
from cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_links(context, case):
    """All the linked cases the user may see in one query (related both ways: the
    relation is symmetrical, so the pairs from the case are enough)."""
    request = context["request"]
    user = request.user
    ids = {case.possible_repeat_of_id, case.joined_to_id} - {None}
    # The related keys first: an EXISTS per visible case inside the OR made PostgreSQL
    # test every case the user sees (120 ms at 100,000 cases); with keys and the index
    # of `joined_to` it reads the few linked rows.
    related = set(
        Case.related.through.objects.filter(from_case_id=case.pk).values_list(
            "to_case_id", flat=True
        )
    )
    linked = list(
        Case.objects.visible_to(user)
        .only("pk", "registration_number", "subject", "status", "joined_to")
        .filter(Q(pk__in=related | ids) | Q(joined_to=case))
        .order_by("received_at", "pk")
    )
    return {
        "related": [c for c in linked if c.pk in related],
        "joined": [c for c in linked if c.joined_to_id == case.pk],
        "others": {c.pk: c for c in linked if c.pk in ids},
        "form": getattr(request, "link_form", None) or LinkForm()
        if permissions.can_link(user, case)
        else None,
    }


@register.filter
def pick(mapping, key):
    return mapping.get(key) if mapping and key else None
