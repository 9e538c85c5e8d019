"""What the personal parts of an article (kb/templates/kb/personal/) read for themselves,
so that kb.page_cache can render them again for another reader from the page alone."""

from django import template

register = template.Library()


@register.simple_tag
def kb_responsible(page, user_id=None):
    """The section's responsible contact with their profile (one query), or None;
    `user_id`: who it is, when known (kb.page_cache keeps it with the page)."""
    from intranet.models import User
    from kb.models import _responsible_with_profile

    if user_id:
        return User.objects.select_related("profile").filter(pk=user_id).first()
    section = getattr(page, "section", None)
    return _responsible_with_profile(section) if section is not None else None


@register.simple_tag(takes_context=True)
def kb_can_mark_reviewed(context, page) -> bool:
    from kb.overview import can_mark_reviewed

    request = context.get("request")
    return can_mark_reviewed(getattr(request, "user", None), page, request)
