"""Search on other pages, through the same service.

{% load search_tags %}
{% typical_answers case %}   on the staff case page: typical answers that fit it
"""

from django import template

from search import services

register = template.Library()


@register.inclusion_tag("search/includes/typical_answers.html", takes_context=True)
def typical_answers(context, case, limit=5):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    hits = []
    if user is not None and user.is_authenticated:
        text = " ".join(part for part in (case.subject, case.text) if part)
        hits = services.typical_answers_for(user, text, limit=limit, request=request)
    return {"hits": hits, "case": case}
