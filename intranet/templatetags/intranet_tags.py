from django import template

from intranet import formatting, links, navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def knowledge_base_url(context) -> str:
    """URL of the live knowledge-base root ("Противодействие коррупции"), or ""."""
    return navigation.section_urls(context.get("request"))["knowledge_base"]


@register.simple_tag(takes_context=True)
def staff_directory_url(context) -> str:
    """URL of the live staff directory page, or ""."""
    return navigation.section_urls(context.get("request"))["staff_directory"]


@register.filter
def tel_href(phone: str) -> str:
    """A `tel:` link to the first number of a phone field: «+7 (812) 576-44-01» →
    «tel:+78125764401» (a Russian number with its country code), «40-01» → «tel:4001»."""
    from intranet.directory import phone_digits

    numbers = phone_digits(phone).split()
    if not numbers:
        return ""
    number = numbers[0]
    return f"tel:+{number}" if len(number) == 11 and number.startswith("7") else f"tel:{number}"


@register.filter
def is_wagtail_page(value) -> bool:
    """True for a Wagtail page (the `page` of a page Wagtail serves), false for anything
    else a view may call `page` (a paginator's page) and for nothing."""
    from wagtail.models import Page

    return isinstance(value, Page)


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
