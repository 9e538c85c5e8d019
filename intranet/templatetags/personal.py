"""`{% personal "template.html" %}`: a personal part of the page (intranet.personal)."""

from django import template
from django.utils.safestring import mark_safe

from intranet import personal as parts

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, template_name: str):
    included = context.template.engine.get_template(template_name)
    nonce = parts.recording(context.get("request"))
    if nonce is None:
        return mark_safe(included.render(context))
    with context.push(csrf_token=parts.CSRF_PLACEHOLDER):
        text = included.render(context)
    return mark_safe(parts.mark(nonce, template_name, text))
