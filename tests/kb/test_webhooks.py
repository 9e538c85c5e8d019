"""Signed webhooks (kb.integrations.webhooks) to a real HTTP receiver on a local port:
publication, unpublication and amended-act flags reach the consumers whose key may read
the article, signed with HMAC-SHA256 of the raw body; a refused delivery is kept with its
tries and error in the product's outbox and delivered on the next try, with the same body
and delivery id; the administrators see and close it where they see the e-mails."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from intranet.models import MessageStatus, OutgoingMessage
from intranet.tasks import redispatch_outbox
from kb.integrations import keys, webhooks
from kb.integrations.models import ApiKey, Scope, WebhookConsumer, WebhookDelivery
from kb.models import ArticlePage, LegalAct
from tests.mailbox import free_port

pytestmark = pytest.mark.django_db


class Receiver:
    """A consuming system: answers each POST with the next code of `codes` (then 200)
    and keeps what it received."""

    def __init__(self, codes=()):
        self.codes = list(codes)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/kb"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _consumer(url, scope=Scope.INTERNAL, **events) -> WebhookConsumer:
    api_key = ApiKey(name=f"Система ({scope})", scope=scope)
    keys.issue(api_key)
    api_key.save()
    return WebhookConsumer.objects.create(
        name=f"Вебхук ({scope})", api_key=api_key, url=url, secret=keys.new_secret(), **events
    )


def _verified(consumer, headers, body) -> dict:
    """What the consumer's code does (docs/kb_api.md): check the signature first."""
    expected = "sha256=" + hmac.new(consumer.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Intranet-Signature"], expected)
    assert headers["X-Intranet-Timestamp"].isdigit()
    assert headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def test_a_refused_delivery_is_kept_and_retried(kb, make_article, commit, settings):
    settings.OUTBOX_REDISPATCH_MINUTES = 0
    section = kb["sections"]["declarations"]
    with Receiver(codes=[500]) as receiver:
        internal = _consumer(receiver.url, Scope.INTERNAL)
        public = _consumer(receiver.url, Scope.PUBLIC)
        with commit():
            article = make_article(section, title="Порядок для систем", audience="internal")

        # Only the internal key may read the article; the first try was refused, and the
        # outbox keeps the delivery as it keeps a failed e-mail.
        delivery = WebhookDelivery.objects.select_related("message").get()
        message = delivery.message
        assert delivery.consumer == internal and delivery.event == "article.published"
        assert message.kind == webhooks.KIND and message.recipient == receiver.url
        assert message.status == MessageStatus.FAILED and message.attempts == 1
        assert "500" in message.last_error and message.next_attempt_at is not None
        assert list(message.log.values_list("status", flat=True)) == ["failed"]
        assert len(receiver.received) == 1

        assert redispatch_outbox() == 0  # not due yet
        OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        assert redispatch_outbox() == 1
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT and message.attempts == 2
        assert message.sent_at and message.last_error == ""

    (first_headers, first_body), (headers, body) = receiver.received
    assert body == first_body  # the same bytes and delivery id on every try
    assert headers["X-Intranet-Delivery"] == first_headers["X-Intranet-Delivery"]
    payload = _verified(internal, headers, body)
    assert payload["id"] == headers["X-Intranet-Delivery"] == str(delivery.delivery_id)
    assert payload["event"] == headers["X-Intranet-Event"] == "article.published"
    assert payload["article"]["id"] == article.pk
    assert payload["article"]["detail_url"].endswith(f"/api/v2/kb/{article.pk}/")
    assert "body" not in payload["article"]
    with pytest.raises(AssertionError):
        _verified(public, headers, body)  # another consumer's secret does not verify
    assert not webhooks.verify(internal.secret, body + b" ", headers["X-Intranet-Signature"])


def test_unpublish_and_amended_act_flags_are_told(kb, make_article, commit):
    section = kb["sections"]["declarations"]
    act = LegalAct.objects.filter(status="in_force").first()
    with Receiver() as receiver:
        public = _consumer(receiver.url, Scope.PUBLIC, on_publish=False)
        with commit():
            article = make_article(
                section, title="Публичная статья", audience="public", legal_acts=[act]
            )
        assert not WebhookDelivery.objects.exists()  # publication not taken
        with commit():
            act.status = LegalAct.Status.AMENDED
            act.save()
        with commit():
            ArticlePage.objects.get(pk=article.pk).unpublish()
        events = [_verified(public, h, b)["event"] for h, b in receiver.received]
    assert events.count("article.flagged") >= 1 and events[-1] == "article.unpublished"
    flagged = next(
        json.loads(b) for h, b in receiver.received if h["X-Intranet-Event"] == "article.flagged"
    )
    assert flagged["act"]["id"] == act.pk and flagged["act"]["status"] == "amended"
    assert set(WebhookDelivery.objects.values_list("message__status", flat=True)) == {"sent"}


def test_revoked_keys_and_inactive_consumers_are_not_told(kb, make_article, commit):
    consumer = _consumer("http://127.0.0.1:9/never", Scope.PUBLIC)
    ApiKey.objects.filter(pk=consumer.api_key_id).update(is_active=False)
    with commit():
        make_article(kb["sections"]["declarations"], audience="public")
    assert not WebhookDelivery.objects.exists()


def test_failed_deliveries_are_listed_for_administrators(kb, make_article, commit, client):
    with commit():
        consumer = _consumer("http://127.0.0.1:9/refused", Scope.PUBLIC)
        make_article(kb["sections"]["declarations"], title="Недоставленная", audience="public")
    message = WebhookDelivery.objects.get(consumer=consumer).message
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith("Система недоступна")  # refused: said in Russian
    client.force_login(kb["users"]["admin"])
    listing = client.get(reverse("outbox:index") + "?status=failed").content.decode()
    assert "Статья опубликована: Недоставленная" in listing
    assert "Вебхук для другой системы" in listing
    page = client.get(reverse("outbox:inspect", args=[message.pk])).content.decode()
    assert "http://127.0.0.1:9/refused" in page
    client.post(reverse("outbox:close", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert message.closed_by == kb["users"]["admin"]
    client.force_login(kb["users"]["editor"])
    assert client.get(reverse("outbox:index")).status_code in (302, 403)


def test_a_deleted_webhooks_delivery_fails_with_a_reason(kb, make_article, commit):
    """A message whose webhook was deleted meanwhile is not sent anywhere: its try fails
    with the reason in Russian, and it waits for a person like any failed message."""
    from intranet import outbox

    consumer = _consumer("http://127.0.0.1:9/gone", Scope.PUBLIC)
    make_article(kb["sections"]["declarations"], title="Без адресата", audience="public")
    message = WebhookDelivery.objects.get(consumer=consumer).message
    consumer.delete()
    assert outbox.attempt(message.pk) == "failed"
    message.refresh_from_db()
    assert "удалён" in message.last_error
