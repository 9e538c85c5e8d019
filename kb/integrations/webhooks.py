"""Webhooks: the systems holding an API key are told, by a signed POST to their URL, when
an article within their key's scope is published, unpublished or flagged by an amended
act. Delivery works as the e-mail outbox does (intranet.outbox), with its own rows:

1. ``queue_event(...)`` stores one WebhookDelivery per active consumer that takes the
   event and may read the article, with its JSON body as it will be sent, in the
   caller's transaction; the delivery task is sent once that commits.
2. ``attempt(pk)`` (the ``kb.webhooks.deliver`` task) locks the row (SELECT … FOR
   UPDATE SKIP LOCKED) and POSTs the stored body with its signature; every try is
   logged (WebhookAttempt) with the answer's code or the error. A 2xx answer is
   delivered; anything else (another code, a refused connection, a timeout) failed.
3. A failed delivery is tried again with exponential backoff (KB_WEBHOOK_RETRY_BASE_SECONDS,
   doubling, at most an hour) up to KB_WEBHOOK_MAX_ATTEMPTS tries; the beat task
   ``kb.webhooks.redispatch`` sends again whatever is left queued or due. After the last
   try it stays failed, listed in the admin (Settings → Webhook deliveries), until a
   person sends it again or closes it. Nothing is dropped silently.

Each request carries:
    Content-Type: application/json
    X-Intranet-Event: article.published | article.unpublished | article.flagged
    X-Intranet-Delivery: the delivery's UUID (the same on every try; deduplicate on it)
    X-Intranet-Timestamp: Unix time of this try
    X-Intranet-Signature: sha256=<hex HMAC-SHA256 of the raw body, key: the secret>"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import links

from . import keys
from .models import DeliveryStatus, WebhookAttempt, WebhookConsumer, WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

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


def max_attempts() -> int:
    return int(getattr(settings, "KB_WEBHOOK_MAX_ATTEMPTS", 8))


def backoff(tries: int) -> int:
    base = int(getattr(settings, "KB_WEBHOOK_RETRY_BASE_SECONDS", 60))
    return min(base * 2 ** max(tries - 1, 0), 3600)


def timeout() -> int:
    return int(getattr(settings, "KB_WEBHOOK_TIMEOUT_SECONDS", 10))


def redispatch_minutes() -> int:
    return int(getattr(settings, "OUTBOX_REDISPATCH_MINUTES", 10))


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


def queue_event(event: str, page, **extra) -> list[WebhookDelivery]:
    """Store a delivery of `event` about `page` for every consumer that takes it; sent
    once the current transaction commits."""
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
            delivery.body = _body(delivery, event, page, extra)
            delivery.save()
            deliveries.append(delivery)
    ids = [d.pk for d in deliveries]
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return deliveries


def dispatch(ids: Iterable[int], queue: str | None = None) -> int:
    """Send the delivery task for each id; a broker that is down is logged, and the
    beat task sends them later."""
    from .tasks import deliver

    options = {"queue": queue} if queue else {}
    sent = 0
    for pk in ids:
        try:
            deliver.apply_async((pk,), retry=False, **options)
        except Exception:
            logger.warning("webhook delivery %s: broker unavailable, left for redispatch", pk)
            continue
        sent += 1
    return sent


# -------------------------------------------------------------------------- sending


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx: the consumer fixes its URL."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(delivery: WebhookDelivery) -> int:
    """POST the stored body; returns the status code (raises on a network error)."""
    body = delivery.body.encode()
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
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _log(delivery, status, error="", code=None) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery, status=status, error=error[:2000], response_status=code
    )


def attempt(delivery_id: int) -> str:
    """One try. Returns "sent", "failed", "done", "closed", "stopped" (failed after the
    last try) or "busy" (another worker holds it)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("consumer")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy"
        if delivery.status == DeliveryStatus.SENT:
            return "done"
        if delivery.status == DeliveryStatus.CANCELLED:
            return "closed"
        if delivery.status == DeliveryStatus.FAILED and delivery.attempts >= max_attempts():
            return "stopped"
        now = timezone.now()
        delivery.attempts += 1
        code = None
        error = ""
        try:
            code = _post(delivery)
            if not 200 <= code < 300:
                error = _("The system answered with code %(code)s.") % {"code": code}
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        delivery.response_status = code
        if error:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = error[:2000]
            delivery.next_attempt_at = (
                now + dt.timedelta(seconds=backoff(delivery.attempts))
                if delivery.attempts < max_attempts()
                else None
            )
            delivery.save()
            _log(delivery, DeliveryStatus.FAILED, error, code)
            logger.warning(
                "webhook delivery %s to %s failed, try %s: %s",
                delivery.pk,
                delivery.consumer,
                delivery.attempts,
                error,
            )
            return "failed"
        delivery.status = DeliveryStatus.SENT
        delivery.delivered_at = now
        delivery.last_error = ""
        delivery.next_attempt_at = None
        delivery.save()
        _log(delivery, DeliveryStatus.SENT, code=code)
        return "sent"


def due_for_redispatch(now: dt.datetime | None = None):
    """Deliveries left queued, or failed and due, untouched for the redispatch interval."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=redispatch_minutes())
    return (
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED],
            updated_at__lte=limit,
            attempts__lt=max_attempts(),
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("updated_at", "pk")
    )


# ----------------------------------------------------------------- a person acting


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def retry(delivery: WebhookDelivery, by) -> WebhookDelivery:
    """A person sends a delivery again (the system is back): its tries afresh, the same
    body and delivery id."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.SENT:
        return delivery
    delivery.status = DeliveryStatus.QUEUED
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.closed_by = None
    delivery.save()
    _log(delivery, DeliveryStatus.QUEUED, _("Sent again by %(name)s.") % {"name": _name(by)})
    pk = delivery.pk
    transaction.on_commit(lambda: dispatch([pk]))
    return delivery


@transaction.atomic
def cancel(delivery: WebhookDelivery, by) -> WebhookDelivery:
    """A person closes a delivery that will not be made; it is never tried again."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status in {DeliveryStatus.SENT, DeliveryStatus.CANCELLED}:
        return delivery
    delivery.status = DeliveryStatus.CANCELLED
    delivery.next_attempt_at = None
    delivery.closed_by = by
    delivery.save()
    _log(
        delivery,
        DeliveryStatus.CANCELLED,
        _("Closed without delivering by %(name)s.") % {"name": _name(by)},
    )
    return delivery
