from django.dispatch import receiver
from wagtail.signals import page_published

from kb.models import ArticlePage


@receiver(page_published, sender=ArticlePage)
def article_published(sender, instance, **kwargs):
    """A publication of a change the editor marked substantial asks everyone again."""
    from kb.acknowledgements import services

    services.published(instance)
