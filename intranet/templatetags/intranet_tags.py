from django import template

from intranet import formatting, links

register = template.Library()


@register.simple_tag(takes_context=True)
def knowledge_base_url(context) -> str:
    """URL of the live knowledge-base root ("Противодействие коррупции"), or ""."""
    from kb.models import KnowledgeBaseIndexPage

    request = context.get("request")
    root = KnowledgeBaseIndexPage.objects.live().only("id", "url_path").first()
    return root.get_url(request) if root else ""


@register.filter
def absolute(path) -> str:
    """`{{ case.get_absolute_url|absolute }}`: the link with the portal's public address
    (BASE_URL), for e-mails and printed pages."""
    return links.absolute(path)


@register.filter(name="number")
def number_filter(value, digits=None) -> str:
    """{{ value|number }} or {{ value|number:1 }}: «12 500», «4,3» (intranet.formatting)."""
    return formatting.number(value, None if digits in (None, "") else int(digits))


@register.filter(name="percent")
def percent_filter(value, digits=1) -> str:
    """{{ share|percent }} or {{ share|percent:0 }}: «86,0 %», «80 %» (intranet.formatting)."""
    return formatting.percent(value, int(digits))
