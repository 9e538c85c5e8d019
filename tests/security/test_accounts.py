"""Sign-in throttling and session settings, from the attacker's side."""

import re
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


# --- password reset (the admin's, by e-mail) ----------------------------------------------

RESET = "/admin/password_reset/"
RESET_DONE = "/admin/password_reset/done/"
TOO_MANY = "Слишком много запросов на восстановление пароля: письмо не отправлено."


def _reset(client, email, ip="10.0.0.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def _done(response) -> bool:
    return response.status_code == 302 and response["Location"] == RESET_DONE


def _refused(response) -> bool:
    html = response.content.decode()
    return response.status_code == 429 and TOO_MANY in html and "Повторите через 60 мин." in html


def test_the_seventh_reset_request_sends_no_mail_and_says_why(client, org, mailoutbox):
    """Six posts sent six mails before: now the sixth and seventh within the window are
    refused with a Russian message, and no mail goes."""
    assert settings.PASSWORD_RESET_LIMIT == 5
    answers = [_reset(client, org.executor.email) for _ in range(7)]
    assert all(_done(answer) for answer in answers[:5])
    assert all(_refused(answer) for answer in answers[5:])
    assert len(mailoutbox) == 5
    assert {tuple(mail.to) for mail in mailoutbox} == {(org.executor.email,)}
    assert "/admin/password_reset/confirm/" in mailoutbox[0].body


def test_the_reset_limit_holds_per_address_and_per_ip(client, org, mailoutbox):
    # One e-mail address asked for from many computers...
    for n in range(5):
        assert _done(_reset(client, org.editor.email.upper(), ip=f"10.0.1.{n}"))
    assert _refused(_reset(client, org.editor.email, ip="10.0.1.99"))
    assert len(mailoutbox) == 5
    # ...and many addresses from one computer: unknown ones count too.
    for n in range(5):
        assert _done(_reset(client, f"nobody{n}@example.gov.ru", ip="10.0.2.1"))
    assert _refused(_reset(client, org.head.email, ip="10.0.2.1"))
    assert len(mailoutbox) == 5
    # Another computer, another address: served.
    assert _done(_reset(client, org.head.email, ip="10.0.2.2"))
    assert len(mailoutbox) == 6


def test_reset_mails_to_one_account_are_limited_too(client, org, mailoutbox):
    """Five mails went to the account; its address is then changed: requests for the new
    address (another computer) get the usual answer and no mail."""
    for _ in range(5):
        assert _done(_reset(client, org.executor.email))
    org.executor.email = "executor.new@example.gov.ru"
    org.executor.save(update_fields=["email"])
    assert _done(_reset(client, org.executor.email, ip="10.0.3.1"))
    assert len(mailoutbox) == 5


def test_the_reset_window_passes(client, org, mailoutbox):
    from intranet.accounts.models import PasswordResetRequest

    for _ in range(5):
        _reset(client, org.executor.email)
    assert _refused(_reset(client, org.executor.email))
    PasswordResetRequest.objects.update(when=timezone.now() - timedelta(minutes=61))
    assert _done(_reset(client, org.executor.email))
    assert len(mailoutbox) == 6
    assert PasswordResetRequest.objects.count() == 2  # the old rows are gone


def test_accounts_outside_the_reset_policy_get_no_mail(client, org, mailoutbox):
    """Reset by mail is the admin's flow, for accounts with admin access: a reader, an
    internal client, a deactivated account and one without a usable password get no mail,
    and the answer is the one an unknown address gets."""
    from tests.factories import UserFactory

    inactive = UserFactory(username="uvolen", roles=["Исполнители"], is_active=False)
    unusable = UserFactory(username="bezparolya", roles=["Исполнители"])
    unusable.set_unusable_password()
    unusable.save()
    for n, email in enumerate([org.reader.email, org.client.email, inactive.email, unusable.email]):
        assert _done(_reset(client, email, ip=f"10.0.4.{n}")), email
    assert mailoutbox == []
    assert _done(_reset(client, org.registrar.email, ip="10.0.4.9"))
    assert [mail.to for mail in mailoutbox] == [[org.registrar.email]]


def _page(response, *typed) -> str:
    """The page without what differs at every rendering (the masked CSRF token) and
    without the address typed."""
    html = re.sub(
        r'("CSRF_TOKEN": |name="csrfmiddlewaretoken" value=)"[^"]*"', "", response.content.decode()
    )
    for text in typed:
        html = html.replace(text, "")
    return html


def test_the_reset_answer_does_not_tell_whether_the_address_exists(client, org, mailoutbox):
    known = _reset(client, org.executor.email, ip="10.0.5.1")
    unknown = _reset(client, "nikto@example.gov.ru", ip="10.0.5.2")
    outside = _reset(client, org.client.email, ip="10.0.5.3")
    assert len(mailoutbox) == 1
    pages = [client.get(r["Location"]) for r in (known, unknown, outside)]
    assert {(r.status_code, r["Location"]) for r in (known, unknown, outside)} == {
        (302, RESET_DONE)
    }
    assert len({_page(page) for page in pages}) == 1
    # Refused alike too: the message says nothing of the address.
    for _ in range(5):
        _reset(client, "nikto2@example.gov.ru", ip="10.0.5.9")
    refused_unknown = _reset(client, "nikto3@example.gov.ru", ip="10.0.5.9")
    refused_known = _reset(client, org.editor.email, ip="10.0.5.9")
    assert _refused(refused_unknown) and _refused(refused_known)
    assert _page(refused_unknown, "nikto3@example.gov.ru") == _page(refused_known, org.editor.email)


def test_the_sign_in_pages_say_who_may_reset(client):
    html = client.get(LOGIN).content.decode()
    assert "Забыли пароль? Если вы работаете в разделе «Администрирование»" in html
    assert f'href="{RESET}"' in html
    html = client.get(RESET).content.decode()
    assert "Ссылку для смены пароля получают только учётные записи" in html
