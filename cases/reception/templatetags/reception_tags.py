from django import template

from cases.reception import services

register = template.Library()


@register.inclusion_tag("reception/includes/nav_links.html", takes_context=True)
def reception_nav_links(context, active=""):
    """The reception links of the cases menu, and the knowledge-gaps link for the KB
    editors and heads of the units that own sections (who may open /cases/gaps/)."""
    request = getattr(context, "request", None) or context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active": active}
    from kb.ownership import units_of

    return {
        "active": active,
        "can_book": services.can_book(user),
        "can_see_day": services.can_see_day(user),
        "can_see_gaps": bool(units_of(user)),
    }
