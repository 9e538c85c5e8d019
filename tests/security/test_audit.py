"""The audit log: what is recorded automatically, the API later apps call, and the
read-only admin screen."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from intranet import audit, roles
from intranet.accounts.models import User
from intranet.audit.models import AuditAction, AuditEvent
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_sign_out_and_failure_are_recorded(client, staff_user):
    client.post(
        "/accounts/login/",
        {"username": "ivanov", "password": "wrong-пароль"},
        REMOTE_ADDR="10.1.2.3",
    )
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.actor_repr == "ivanov"
    assert failed.ip == "10.1.2.3"
    assert "wrong-пароль" not in str(failed.details)

    client.post("/accounts/login/", {"username": "ivanov", "password": PASSWORD})
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == staff_user
    assert login.object_id == str(staff_user.pk)

    client.post("/accounts/logout/")
    assert AuditEvent.objects.get(action=AuditAction.LOGOUT).actor == staff_user


def test_audit_events_stay_out_of_wagtails_reference_index(client, staff_user):
    """An event names an object type, which is no usage of anything: the admin's "used
    by" lists never show audit events, and recording one writes only the event."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    client.force_login(staff_user)
    audit.record(None, AuditAction.CONFIDENTIAL_READ, staff_user, actor=staff_user)
    assert AuditEvent.objects.filter(object_type__isnull=False).count() >= 2
    events = ContentType.objects.get_for_model(AuditEvent)
    assert not ReferenceIndex.objects.filter(base_content_type=events).exists()


def test_unknown_username_failure_is_recorded_without_an_account(client):
    client.post("/accounts/login/", {"username": "<script>x", "password": "y"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_repr == "<script>x" and event.object_id == ""


def test_group_changes_are_recorded_both_ways(staff_user):
    executors = Group.objects.get(name=roles.EXECUTORS)
    heads = Group.objects.get(name=roles.HEADS)
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)  # start clean

    staff_user.groups.add(executors)
    heads.user_set.add(staff_user)
    staff_user.groups.remove(executors)
    staff_user.groups.clear()

    events = list(AuditEvent.objects.filter(action=AuditAction.GROUPS_CHANGED).order_by("pk"))
    changes = [
        (sorted(e.details)[0], e.details.get("added") or e.details.get("removed")) for e in events
    ]
    assert changes[:3] == [
        ("added", [roles.EXECUTORS]),
        ("added", [roles.HEADS]),
        ("relation", [roles.EXECUTORS]),
    ]
    assert "removed" in events[2].details and "removed" in events[3].details
    # New accounts are readers (intranet.signals); clear() removes every group left.
    assert roles.HEADS in events[3].details["removed"]
    assert all(e.object_id == str(staff_user.pk) for e in events)


def test_permission_changes_are_recorded(staff_user):
    permission = Permission.objects.get(codename="change_user")
    group = Group.objects.create(name="Временная группа")
    group.permissions.add(permission)
    staff_user.user_permissions.add(permission)
    event = AuditEvent.objects.filter(
        action=AuditAction.PERMISSIONS_CHANGED, object_id=str(group.pk)
    ).get()
    assert event.details == {"relation": "permissions", "added": ["accounts.change_user"]}
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSIONS_CHANGED,
        object_id=str(staff_user.pk),
        details__relation="user_permissions",
    ).exists()


def test_superuser_and_staff_flags_are_recorded(staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    staff_user.is_active = False
    staff_user.save()
    staff_user.last_name = "Петров"  # not a permission change: nothing recorded
    staff_user.save()
    events = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_FLAGS_CHANGED).order_by("pk")
    assert [e.details["changes"] for e in events] == [
        {"is_superuser": [False, True]},
        {"is_active": [True, False]},
    ]
    User.objects.create_superuser("root2", password=PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_FLAGS_CHANGED, actor_repr="", details__created=True
    ).exists()


def test_changes_made_in_a_request_name_the_actor(administrator, staff_user):
    """Permission signals carry no request: AuditContextMiddleware supplies it."""
    from django.http import HttpResponse

    from intranet.audit.context import AuditContextMiddleware

    executors = Group.objects.get(name=roles.EXECUTORS)

    def view(request):
        staff_user.groups.add(executors)
        return HttpResponse()

    request = RequestFactory().post("/admin/users/edit/", REMOTE_ADDR="10.9.9.9")
    request.user = administrator
    AuditContextMiddleware(view)(request)
    event = AuditEvent.objects.filter(
        action=AuditAction.GROUPS_CHANGED, object_id=str(staff_user.pk)
    ).first()  # newest first
    assert event.actor == administrator
    assert event.ip == "10.9.9.9"
    assert event.details["added"] == [roles.EXECUTORS]
    # Outside the request the context is gone again.
    staff_user.groups.remove(executors)
    assert AuditEvent.objects.filter(action=AuditAction.GROUPS_CHANGED).first().actor is None


def test_record_api_and_confidential_reads(staff_user):
    request = RequestFactory().get("/cases/42/", REMOTE_ADDR="192.168.1.7")
    request.user = staff_user
    target = Group.objects.create(name="Конфиденциальное")
    event = audit.record_confidential_read(request, target)
    assert event.action == AuditAction.CONFIDENTIAL_READ
    assert event.actor == staff_user and event.ip == "192.168.1.7"
    assert event.details["path"] == "/cases/42/"
    assert list(AuditEvent.objects.for_object(target)) == [event]

    event = audit.record(None, "case_exported", target, rows=3)
    assert event.actor is None and event.details == {"rows": 3}


def test_audit_events_cannot_be_changed_or_deleted(staff_user):
    event = audit.record(None, "x", staff_user)
    event.action = "y"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_a_failing_audit_write_does_not_break_the_action(staff_user, monkeypatch):
    from django.db import DatabaseError

    def boom(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEvent, "save", boom)
    staff_user.groups.add(Group.objects.get(name=roles.READERS))
    assert staff_user.groups.count() == 1


# The admin screen: administrators read, nobody writes.


def test_administrator_lists_filters_and_exports(client, administrator, staff_user):
    audit.record(None, AuditAction.CONFIDENTIAL_READ, staff_user)
    client.force_login(administrator)
    response = client.get("/admin/audit/")
    assert response.status_code == 200
    assert "Журнал аудита" in response.content.decode()
    response = client.get("/admin/audit/", {"action": AuditAction.CONFIDENTIAL_READ})
    assert response.status_code == 200
    response = client.get("/admin/audit/", {"export": "csv"})
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else (response.content.decode())
    )
    assert "confidential_read" in body or "Просмотр конфиденциальной записи" in body
    event = AuditEvent.objects.first()
    assert client.get(f"/admin/audit/inspect/{event.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["new/", "edit/1/", "delete/1/", "copy/1/", "history/1/"])
def test_there_is_no_way_to_write_the_log(client, path):
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    audit.record(None, "x", superuser)
    client.force_login(superuser)
    assert client.get(f"/admin/audit/{path}").status_code == 404
    assert client.post(f"/admin/audit/{path}", {"action": "forged"}).status_code in (403, 404, 405)


def test_staff_without_the_permission_cannot_read_the_log(client, staff_user):
    staff_user.groups.add(Group.objects.get(name=roles.EXECUTORS))  # has admin access
    client.force_login(staff_user)
    response = client.get("/admin/audit/")
    assert response.status_code in (302, 403)
    client.logout()
    assert client.get("/admin/audit/").status_code == 302
