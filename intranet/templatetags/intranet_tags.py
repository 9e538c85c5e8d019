from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def knowledge_base_url(context) -> str:
    """URL of the live knowledge-base root ("Противодействие коррупции"), or ""."""
    from kb.models import KnowledgeBaseIndexPage

    request = context.get("request")
    root = KnowledgeBaseIndexPage.objects.live().only("id", "url_path").first()
    return root.get_url(request) if root else ""
