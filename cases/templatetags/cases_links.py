"""What cases/includes/links.html shows: the case's related cases, what it is joined to
or joined with, a possible repeat, and the form to link or join (registrars, heads)."""

from django import template

from cases import permissions
from cases.forms import LinkForm
from cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_links(context, case):
    request = context["request"]
    user = request.user
    visible = Case.objects.visible_to(user).only("pk", "registration_number", "subject", "status")
    ids = {case.possible_repeat_of_id, case.joined_to_id} - {None}
    return {
        "related": list(visible.filter(related=case).order_by("received_at")),
        "joined": list(visible.filter(joined_to=case).order_by("received_at")),
        "others": {c.pk: c for c in visible.filter(pk__in=ids)},
        "form": getattr(request, "link_form", None) or LinkForm()
        if permissions.can_link(user, case)
        else None,
    }


@register.filter
def pick(mapping, key):
    return mapping.get(key) if mapping and key else None
