"""`{% kb_follow_state page as state %}`: whether the signed-in reader follows the page
and, for an article, its section (one query; nothing for anonymous visitors). Personal:
never inside a `{% kbcache %}` fragment."""

from django import template

from kb.models import ArticlePage, Following

register = template.Library()


@register.simple_tag(takes_context=True)
def kb_follow_state(context, page) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    section = page.section if isinstance(page, ArticlePage) else None
    state = {"page": False, "section": section, "section_followed": False}
    if user is None or not user.is_authenticated:
        return state
    ids = [page.pk] + ([section.pk] if section is not None else [])
    followed = set(
        Following.objects.filter(user_id=user.pk, page_id__in=ids).values_list("page_id", flat=True)
    )
    state["page"] = page.pk in followed
    state["section_followed"] = section is not None and section.pk in followed
    return state
