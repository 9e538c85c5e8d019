"""The events that webhooks tell (kb.integrations.webhooks): an article published,
unpublished, or flagged because an act it cites was amended or repealed."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from kb.events import articles_flagged
from kb.models import ArticlePage

from . import webhooks
from .models import WebhookEvent


@receiver(page_published, sender=ArticlePage, dispatch_uid="kb-webhooks-published")
def article_published(sender, instance, **kwargs):
    webhooks.queue_event(WebhookEvent.PUBLISHED, instance)


@receiver(page_unpublished, sender=ArticlePage, dispatch_uid="kb-webhooks-unpublished")
def article_unpublished(sender, instance, **kwargs):
    webhooks.queue_event(WebhookEvent.UNPUBLISHED, instance)


@receiver(articles_flagged, dispatch_uid="kb-webhooks-flagged")
def articles_flagged_by_act(sender, act, articles, **kwargs):
    info = {
        "act": {
            "id": act.pk,
            "kind": act.kind,
            "number": act.number,
            "date": act.date,
            "title": act.title,
            "status": act.status,
            "status_changed_on": act.status_changed_on,
        }
    }
    for article in articles:
        webhooks.queue_event(WebhookEvent.FLAGGED, article, **info)
