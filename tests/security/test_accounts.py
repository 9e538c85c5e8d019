"""Sign-in throttling and session settings, from the attacker's side."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from intranet.audit.models import AuditAction, AuditEvent
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def _attempt(client, password, url=LOGIN, ip="10.0.0.5", username="ivanov"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, staff_user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = _attempt(client, "wrong")
        assert response.status_code == 200  # the form again, with the error
    response = _attempt(client, "wrong")
    assert response.status_code == 429
    response = _attempt(client, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "Вход временно заблокирован" in html
    assert "15 мин." in html
    assert PASSWORD not in html


def test_lockout_is_per_username_and_ip(client, staff_user):
    for _ in range(5):
        _attempt(client, "wrong", ip="10.0.0.5")
    # Another computer can still sign in as the same user...
    assert _attempt(client, PASSWORD, ip="10.0.0.6").status_code == 302
    assert _signed_in(client)


def test_lockout_ends_after_the_cool_off_period(client, staff_user):
    from axes.models import AccessAttempt

    for _ in range(5):
        _attempt(client, "wrong")
    assert _attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _attempt(client, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_wagtail_admin_login_is_throttled_too(client, staff_user):
    for _ in range(5):
        _attempt(client, "wrong", url=ADMIN_LOGIN)
    response = _attempt(client, PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not _signed_in(client)
    # ...and the lock holds on the other login form as well.
    assert _attempt(client, PASSWORD).status_code == 429


def test_failures_spread_over_usernames_do_not_lock_a_real_user(client, staff_user):
    for n in range(10):
        _attempt(client, "wrong", username=f"nobody{n}")
    assert _attempt(client, PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, staff_user):
    for _ in range(4):
        _attempt(client, "wrong")
    assert _attempt(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _attempt(client, "wrong").status_code == 200
    assert _attempt(client, PASSWORD).status_code == 302


def test_lockout_is_in_the_audit_log(client, staff_user):
    for _ in range(6):
        _attempt(client, "wrong")
    events = AuditEvent.objects.filter(actor_repr="ivanov")
    assert events.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    assert events.filter(action=AuditAction.LOCKED_OUT).exists()


def test_session_cookie_settings(client, staff_user):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.CSRF_COOKIE_HTTPONLY is True
    response = _attempt(client, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_session_id_changes_at_sign_in(client, staff_user):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _attempt(client, PASSWORD)
    assert client.session.session_key != before


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678", "password", "qwerty", "ivanov2", "1234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
