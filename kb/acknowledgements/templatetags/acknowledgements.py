from django import template

from kb.acknowledgements import permissions, services
from kb.acknowledgements.models import Line

register = template.Library()


@register.simple_tag
def substantial_change_marked(page) -> bool:
    return services.is_marked_substantial(page)


@register.simple_tag
def has_acknowledgement_sheets(page) -> bool:
    return bool(page.pk) and page.acknowledgement_sheets.exists()


@register.inclusion_tag("acknowledgements/article_box.html", takes_context=True)
def acknowledgement_box(context, page):
    """On the article: the assignee's «Ознакомлен(а)» (or when they confirmed), and the
    head's link to assign the article and to its sheets."""
    request = context.get("request")
    user = getattr(request, "user", None)
    result = {"page": page, "request": request, "csrf_token": context.get("csrf_token")}
    if user is None or not user.is_authenticated:
        return result
    lines = list(Line.objects.filter(sheet__article_id=page.pk, user=user).select_related("sheet"))
    if lines:
        waiting = [line for line in lines if line.confirmed_at is None]
        result["waiting_until"] = min((line.sheet.due_date for line in waiting), default=None)
        result["confirmed_at"] = max(
            (line.confirmed_at for line in lines if line.confirmed_at), default=None
        )
        result["assigned"] = True
        result["waiting"] = bool(waiting)
    if permissions.is_applicable(page) and permissions.can_manage(user, page):
        result["can_assign"] = True
        result["sheets"] = list(page.acknowledgement_sheets.order_by("-assigned_at")[:5])
    return result
