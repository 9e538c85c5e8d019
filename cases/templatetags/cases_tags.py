import re

from django import template

from cases import permissions
from cases.choices import DeadlineState
from intranet.security import plain_text

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


_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


@register.filter
def letter_text(html: str) -> str:
    """The answer's sanitised HTML as the plain text of a letter: paragraphs apart,
    list items on lines of their own with a dash, a link's address after its words."""
    if not html:
        return ""

    def link(match) -> str:
        href, words = match.group(1), plain_text(match.group(2))
        return href if not words or words == href else f"{words} ({href})"

    text = _LINK.sub(link, str(html))
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.IGNORECASE)
    text = re.sub(r"</(p|h[1-6]|ul|ol)>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<br\s*/?>|</li>", "\n", text, flags=re.IGNORECASE)
    text = plain_text(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines()))
