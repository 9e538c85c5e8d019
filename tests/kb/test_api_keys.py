"""Other systems on /api/v2/kb/ with an API key (kb.integrations): the key's scope
decides what they read, unknown and revoked keys answer 401 in Russian, each key is
rate-limited (429), every use is in the audit log without the articles' content; the
answers carry ETag/Last-Modified and answer conditional requests with 304; the OpenAPI
schema describes the endpoint; administrators issue keys in the admin, shown once."""

import pytest
from django.test import Client
from django.urls import reverse

from intranet.audit.models import AuditAction, AuditEvent
from kb.integrations import keys
from kb.integrations.models import ApiKey, Scope
from kb.models import ArticlePage

pytestmark = pytest.mark.django_db

URL = "/api/v2/kb/"
INTERNAL_SLUG = "kak-predstavit-spravku"  # an internal instruction of the demo


def _key(scope=Scope.INTERNAL, **fields) -> tuple[ApiKey, str]:
    api_key = ApiKey(name="Портал госуслуг региона", scope=scope, **fields)
    secret = keys.issue(api_key)
    api_key.save()
    return api_key, secret


def _get(path, key=None, **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return Client().get(path, **headers)


def _titles(response):
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_an_internal_key_reads_internal_articles_a_public_key_does_not(kb):
    internal = ArticlePage.objects.get(slug=INTERNAL_SLUG)
    assert internal.audience == "internal"
    _internal_key, internal_secret = _key(Scope.INTERNAL)
    _public_key, public_secret = _key(Scope.PUBLIC)

    answer = _get(f"{URL}{internal.pk}/", internal_secret)
    assert answer.status_code == 200 and answer.json()["title"] == internal.title
    assert _get(f"{URL}{internal.pk}/", public_secret).status_code == 404

    live = ArticlePage.objects.live()
    public = set(live.filter(audience="public").values_list("title", flat=True))
    staff_only = set(live.filter(kind="typical_answer").values_list("title", flat=True))
    assert _titles(_get(f"{URL}?limit=100", public_secret)) == public - staff_only
    seen = _titles(_get(f"{URL}?limit=100", internal_secret))
    assert internal.title in seen and public - staff_only <= seen
    assert not seen & staff_only  # typical answers are for the desk's staff only


def test_a_revoked_or_unknown_key_answers_401_in_russian(kb):
    api_key, secret = _key(Scope.INTERNAL)
    api_key.is_active = False
    api_key.save()
    internal = ArticlePage.objects.get(slug=INTERNAL_SLUG)

    revoked = _get(f"{URL}{internal.pk}/", secret)
    assert revoked.status_code == 401
    assert revoked.json() == {
        "message": "Ключ API отозван. Запросите новый у администраторов портала."
    }
    assert revoked["WWW-Authenticate"].startswith("Api-Key")

    prefix = secret.partition(".")[0]
    for wrong in (f"{prefix}.not-the-secret", "garbage", "12345678.abc"):
        answer = _get(URL, wrong)
        assert answer.status_code == 401, wrong
        assert answer.json()["message"].startswith("Ключ API не найден.")
    refused = AuditEvent.objects.filter(action=AuditAction.API_KEY_REFUSED)
    assert refused.count() == 4
    assert not refused.filter(details__icontains=secret.partition(".")[2]).exists()


def test_every_use_is_audited_without_content(kb):
    api_key, secret = _key(Scope.PUBLIC)
    assert _get(f"{URL}?search=справка", secret).status_code == 200
    event = AuditEvent.objects.for_object(api_key).get(action=AuditAction.API_KEY_USED)
    assert event.actor is None and event.actor_repr == api_key.name
    assert event.details["status"] == 200 and event.details["path"] == URL
    assert event.details["scope"] == "public" and "search=" in event.details["query"]
    assert set(event.details) == {"path", "method", "query", "status", "scope"}
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_each_key_is_rate_limited(kb, settings):
    settings.KB_API_KEY_RATE = "2/min"
    _limited, secret = _key(Scope.PUBLIC)
    _own_limit, roomy = _key(Scope.PUBLIC, rate_limit=5)
    assert [_get(URL, secret).status_code for _ in range(2)] == [200, 200]
    refused = _get(URL, secret)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Слишком много запросов с этим ключом API.")
    assert int(refused["Retry-After"]) > 0
    # Another key has its own count (and its own limit); anonymous callers are not counted.
    assert [_get(URL, roomy).status_code for _ in range(3)] == [200, 200, 200]
    assert _get(URL).status_code == 200


def test_conditional_requests_answer_304(kb, make_article):
    _api_key, secret = _key(Scope.INTERNAL)
    internal = ArticlePage.objects.get(slug=INTERNAL_SLUG)
    for path in (URL, f"{URL}{internal.pk}/"):
        first = _get(path, secret)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
        assert "Authorization" in first["Vary"]

        same = _get(path, secret, HTTP_IF_NONE_MATCH=etag)
        assert same.status_code == 304 and same.content == b""
        assert same["ETag"] == etag
        assert _get(path, secret, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert _get(path, secret, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        # If-None-Match wins over If-Modified-Since.
        assert (
            _get(path, secret, HTTP_IF_NONE_MATCH='"other"', HTTP_IF_MODIFIED_SINCE=modified)
        ).status_code == 200

    listing = _get(URL, secret)
    make_article(internal.get_parent().specific, title="Новая статья для систем")
    changed = _get(URL, secret, HTTP_IF_MODIFIED_SINCE=listing["Last-Modified"])
    assert changed.status_code == 200 and changed["Last-Modified"] != listing["Last-Modified"]
    assert _get(URL, secret, HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200

    anonymous = _get(URL)
    assert "public" in anonymous["Cache-Control"] and "max-age=" in anonymous["Cache-Control"]
    assert _get(URL, HTTP_IF_NONE_MATCH=anonymous["ETag"]).status_code == 304


def test_the_openapi_schema_describes_the_endpoint(org):
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    listing, detail = schema["paths"]["/api/v2/kb/"], schema["paths"]["/api/v2/kb/{id}/"]
    assert set(listing["get"]["responses"]) >= {"200", "304", "400", "401", "429"}
    assert set(detail["get"]["responses"]) >= {"200", "304", "401", "404", "429"}
    assert "examples" in listing["get"]["responses"]["200"]["content"]["application/json"]
    assert {"apiKey": []} in listing["get"]["security"]
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert "/api/v2/kb/find/" not in schema["paths"]


def test_administrators_issue_keys_shown_once(demo, client):
    client.force_login(demo["admin"])
    answer = client.post(
        reverse("kb_api_keys:add"),
        {
            "name": "Сайт администрации",
            "scope": "internal",
            "rate_limit": "",
            "note": "",
            "is_active": "on",  # ticked on the form, as the field's default
        },
    )
    assert answer.status_code == 200
    api_key = ApiKey.objects.get(name="Сайт администрации")
    secret = answer.context["secret"]
    assert secret.startswith(f"{api_key.prefix}.") and secret in answer.content.decode()
    assert api_key.key_hash == keys.digest(secret) and secret not in api_key.key_hash
    assert api_key.created_by == demo["admin"]
    listing = client.get(reverse("kb_api_keys:index")).content.decode()
    assert "Ключи API" in listing and "Также внутренние статьи" in listing
    assert f"{api_key.prefix}" in listing and secret not in listing
    # Never shown again: the edit page has neither the key nor its hash.
    edit = client.get(reverse("kb_api_keys:edit", args=[api_key.pk])).content.decode()
    assert secret not in edit and api_key.key_hash not in edit
    assert _get(URL, secret).status_code == 200

    # Revoking (the box cleared) records who and when; the key stops working at once.
    client.post(
        reverse("kb_api_keys:edit", args=[api_key.pk]),
        {"name": api_key.name, "scope": "internal", "rate_limit": "", "note": ""},
    )
    api_key.refresh_from_db()
    assert not api_key.is_active and api_key.revoked_by == demo["admin"]
    assert _get(URL, secret).status_code == 401


@pytest.mark.parametrize("role", ["editor", "head", "registrar"])
def test_other_admin_users_cannot_see_or_issue_keys(demo, client, role):
    client.force_login(demo[role])
    for name in ("kb_api_keys:index", "kb_api_keys:add", "kb_webhooks:index"):
        answer = client.get(reverse(name))
        assert answer.status_code in (302, 403), (name, answer.status_code)
    assert client.post(reverse("kb_api_keys:add"), {"name": "x", "scope": "internal"})
    assert not ApiKey.objects.filter(name="x").exists()
