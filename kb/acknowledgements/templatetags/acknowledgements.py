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


def _lines(request, page) -> list:
    """The signed-in user's lines on the sheets of `page`, read once per request (the
    notice at the top and the box at the end of the article both use them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cache = request.__dict__.setdefault("_acknowledgement_lines", {})
    if page.pk not in cache:
        cache[page.pk] = list(
            Line.objects.filter(sheet__article_id=page.pk, user=user).select_related("sheet")
        )
    return cache[page.pk]


@register.simple_tag(takes_context=True)
def acknowledgement_due(context, page):
    """The date by which the signed-in user is asked to confirm `page` (None: not asked,
    or confirmed): the notice at the top of the article."""
    return _waiting_until(_lines(context.get("request"), page))


def _waiting_until(lines):
    """The earliest due date of the `lines` not yet confirmed (None: all confirmed)."""
    return min((line.sheet.due_date for line in lines if line.confirmed_at is None), default=None)


@register.inclusion_tag("acknowledgements/article_box.html", takes_context=True)
def acknowledgement_box(context, page):
    """On the article: the assignee's «Ознакомлен(а)» (or when they confirmed), and the
    head's link to assign the article and to its sheets."""
    request = context.get("request")
    user = getattr(request, "user", None)
    result = {"page": page, "request": request, "csrf_token": context.get("csrf_token")}
    if user is None or not user.is_authenticated:
        return result
    lines = _lines(request, page)
    if lines:
        result["waiting_until"] = _waiting_until(lines)
        result["confirmed_at"] = max(
            (line.confirmed_at for line in lines if line.confirmed_at), default=None
        )
        result["assigned"] = True
        result["waiting"] = result["waiting_until"] is not None
    if permissions.is_applicable(page) and permissions.can_manage(user, page):
        result["can_assign"] = True
        result["sheets"] = list(page.acknowledgement_sheets.order_by("-assigned_at")[:5])
    return result
