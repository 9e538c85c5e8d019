"""Webhooks: the systems holding an API key are told, by a signed POST to their URL, when
an article within their key's scope is published, unpublished or flagged by an amended
act. The POSTs go through the product's outbox (intranet.outbox), as every e-mail does:

1. ``queue_event(...)`` stores, in the caller's transaction, one outgoing message of kind
   ``kb.webhook`` per active consumer that takes the event and may read the article
   (its URL as the recipient, the JSON body as it will be sent), with a WebhookDelivery
   naming the consumer, the event and the article; the outbox's task is sent once the
   transaction commits.
2. The outbox tries it (``intranet.outbox.attempt``: the row locked, every try logged)
   with this module's sender, ``post``: the stored body with its signature. A 2xx answer
   is a delivery; anything else (another code, a redirect, a refused connection, no
   answer within KB_WEBHOOK_TIMEOUT_SECONDS) is a failed try with its reason.
3. A failed delivery is tried again as a failed e-mail is (OUTBOX_RETRY_BASE_SECONDS,
   doubling, at most an hour, up to OUTBOX_MAX_ATTEMPTS tries; the outbox's beat task
   picks up what was left behind). After the last try it stays failed in the admin
   (Settings → Outgoing mail, kind «Webhook»), until a person sends it again or closes
   it. Nothing is dropped silently.

Each request carries:
    Content-Type: application/json
    X-Intranet-Event: article.published | article.unpublished | article.flagged
    X-Intranet-Delivery: the delivery's UUID (the same on every try; deduplicate on it)
    X-Intranet-Timestamp: Unix time of this try
    X-Intranet-Signature: sha256=<hex HMAC-SHA256 of the raw body, key: the secret>"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet import links, outbox

from . import keys
from .models import WebhookConsumer, WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

KIND = "kb.webhook"
SIGNATURE_HEADER = "X-Intranet-Signature"
TIMESTAMP_HEADER = "X-Intranet-Timestamp"
EVENT_HEADER = "X-Intranet-Event"
DELIVERY_HEADER = "X-Intranet-Delivery"

EVENT_FIELD = {
    WebhookEvent.PUBLISHED: "on_publish",
    WebhookEvent.UNPUBLISHED: "on_unpublish",
    WebhookEvent.FLAGGED: "on_flag",
}


# ------------------------------------------------------------------------- settings


def timeout() -> int:
    return int(getattr(settings, "KB_WEBHOOK_TIMEOUT_SECONDS", 10))


# ------------------------------------------------------------------------- signing


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a consumer does (docs/kb_api.md): compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


# --------------------------------------------------------------------------- queue


def _article(page) -> dict:
    detail = links.absolute(reverse("wagtailapi:kb:detail", args=[page.pk]))
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "audience": page.audience,
        "live": page.live,
        "html_url": page.full_url if page.live else None,
        "detail_url": detail,
        "last_published_at": page.last_published_at,
        "needs_review": page.needs_review,
    }


def _body(delivery: WebhookDelivery, event: str, page, extra: dict) -> str:
    payload = {
        "id": str(delivery.delivery_id),
        "event": event,
        "occurred_at": delivery.created_at,
        "article": _article(page),
        **extra,
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def consumers_for(event: str, page) -> list[WebhookConsumer]:
    """Active consumers with an active key that take `event` and whose key's scope
    holds the article (live or not: an unpublished article is told to those who could
    read it)."""
    from kb.models import ArticlePage

    found = []
    candidates = WebhookConsumer.objects.filter(
        is_active=True, api_key__is_active=True, **{EVENT_FIELD[event]: True}
    ).select_related("api_key")
    for consumer in candidates:
        scoped = keys.in_scope(ArticlePage.objects.filter(pk=page.pk), consumer.api_key.scope)
        if scoped.exists():
            found.append(consumer)
    return found


def _event_label(event: str) -> str:
    """The event in words, in the portal's language (stored as the message's subject)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(WebhookEvent(event).label)


def queue_event(event: str, page, **extra) -> list[WebhookDelivery]:
    """Store a delivery of `event` about `page` for every consumer that takes it, as an
    outgoing message of the outbox; sent once the current transaction commits."""
    deliveries = []
    with transaction.atomic():
        for consumer in consumers_for(event, page):
            delivery = WebhookDelivery(
                consumer=consumer,
                event=event,
                article_id=page.pk,
                article_title=page.title[:255],
                created_at=timezone.now(),
            )
            delivery.message = outbox.queue(
                kind=KIND,
                to=consumer.url,
                subject=f"{_event_label(event)}: {page.title}",
                body=_body(delivery, event, page, extra),
            )
            delivery.save()
            deliveries.append(delivery)
    return deliveries


# -------------------------------------------------------------------------- sending


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx: the consumer fixes its URL."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(message) -> None:
    """The outbox's sender for webhooks: POST the stored body with its signature to the
    consumer's URL; raises unless the answer is 2xx (the error is what a person reads
    in the outbox)."""
    delivery = WebhookDelivery.objects.select_related("consumer").filter(message=message).first()
    if delivery is None:
        raise WebhookRefused(_("The webhook this delivery was for has been deleted."))
    body = message.body.encode()
    request = urllib.request.Request(
        delivery.consumer.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "intranet-kb-webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.delivery_id),
            TIMESTAMP_HEADER: str(int(time.time())),
            SIGNATURE_HEADER: sign(delivery.consumer.secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=timeout()) as answer:
            code = answer.status
    except urllib.error.HTTPError as exc:
        code = exc.code
    except (urllib.error.URLError, OSError) as exc:  # refused, unknown host, timed out
        reason = getattr(exc, "reason", exc)
        raise WebhookRefused(
            _("The system could not be reached (%(reason)s).") % {"reason": reason}
        ) from exc
    if not 200 <= code < 300:
        raise WebhookRefused(_("The system answered with code %(code)s.") % {"code": code})


class WebhookRefused(outbox.SendRefused):
    """The consuming system was not reached, or answered but not with 2xx."""


outbox.register(KIND, gettext_lazy("Webhook to another system"), send=post)
