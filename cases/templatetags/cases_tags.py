from django import template

from cases import permissions, richtext
from cases.choices import DeadlineState

register = template.Library()


@register.inclusion_tag("cases/includes/nav.html", takes_context=True)
def cases_nav(context, active=""):
    user = context["request"].user
    return {
        "active": active,
        "can_submit": permissions.can_submit(user),
        "can_use_workspace": permissions.can_use_workspace(user),
        "can_register": permissions.can_register(user),
        "is_head": permissions.is_head(user),
        "is_executor": permissions.is_executor(user),
    }


@register.inclusion_tag("cases/includes/deadline.html")
def deadline(case):
    return {"case": case, "state": getattr(case, "state", None) or case.deadline_state()}


STATE_CLASSES = {
    DeadlineState.OVERDUE: "is-overdue",
    DeadlineState.DUE_SOON: "is-due-soon",
    DeadlineState.ON_TRACK: "is-on-track",
}


@register.simple_tag
def state_class(state) -> str:
    return STATE_CLASSES.get(state, "")


@register.filter
def letter_text(html: str) -> str:
    """The answer's sanitised HTML as the plain text of a letter (cases.richtext: the
    same text the e-mail carries and the textarea shows without JavaScript)."""
    return richtext.html_to_text(html)
