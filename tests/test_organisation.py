"""Role groups, per-unit editors' and heads' groups, staff profiles."""

import pytest
from django.contrib.auth.models import Group

from intranet import roles
from intranet.accounts.models import User
from intranet.models import StaffProfile, Unit

pytestmark = pytest.mark.django_db


def test_migrations_create_every_role_group():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    # Wagtail's starter groups (rights over the whole tree) are gone.
    assert not names & {"Editors", "Moderators"}


def test_role_permissions_are_applied_after_migrate():
    admin_access = "access_admin"
    for role in (roles.REGISTRARS, roles.EXECUTORS, roles.EDITORS, roles.HEADS):
        perms = Group.objects.get(name=role).permissions.values_list("codename", flat=True)
        assert admin_access in perms, role
    for role in (roles.READERS, roles.CLIENTS):
        assert not Group.objects.get(name=role).permissions.exists(), role
    admin_perms = set(
        Group.objects.get(name=roles.ADMINISTRATORS).permissions.values_list("codename", flat=True)
    )
    wanted = {"add_unit", "change_unit", "add_user", "change_user", "change_staffprofile"}
    assert wanted <= admin_perms


def test_new_unit_gets_its_own_editors_and_heads_groups():
    unit = Unit.objects.create(name="Отдел проверок", short_name="ОП")
    unit.refresh_from_db()
    assert unit.editors_group.name == "Редакторы: ОП"
    assert unit.heads_group.name == "Руководство: ОП"


def test_renaming_a_unit_renames_its_groups_without_duplicates():
    unit = Unit.objects.create(name="Отдел проверок", short_name="ОП")
    editors_pk = unit.editors_group.pk
    unit.short_name = "ОПР"
    unit.save()
    unit.refresh_from_db()
    assert unit.editors_group.pk == editors_pk
    assert unit.editors_group.name == "Редакторы: ОПР"
    assert unit.heads_group.name == "Руководство: ОПР"
    assert not Group.objects.filter(name="Редакторы: ОП").exists()


def test_head_joins_heads_group_and_leaves_it_when_replaced():
    first = User.objects.create_user("first_head")
    second = User.objects.create_user("second_head")
    unit = Unit.objects.create(name="Отдел проверок", short_name="ОП", head=first)
    assert first.groups.filter(pk=unit.heads_group.pk).exists()
    assert first.groups.filter(name=roles.HEADS).exists()
    unit.head = second
    unit.save()
    assert second.groups.filter(pk=unit.heads_group.pk).exists()
    assert not first.groups.filter(pk=unit.heads_group.pk).exists()


def test_deleting_a_unit_removes_its_groups():
    unit = Unit.objects.create(name="Временный отдел", short_name="ВО")
    ids = [unit.editors_group_id, unit.heads_group_id]
    unit.delete()
    assert not Group.objects.filter(pk__in=ids).exists()


def test_every_user_gets_a_profile_and_the_readers_role():
    user = User.objects.create_user("new_person", first_name="Ольга", last_name="Белова")
    assert StaffProfile.objects.filter(user=user).exists()
    assert user.has_role(roles.READERS)
    assert not user.has_role(roles.EDITORS)


def test_russian_full_and_short_names():
    user = User(username="x", last_name="Иванов", first_name="Иван", patronymic="Петрович")
    assert user.get_full_name() == "Иванов Иван Петрович"
    assert user.get_short_name() == "Иванов И. П."


def test_unit_tree_helpers():
    top = Unit.objects.create(name="Управление", short_name="У")
    mid = Unit.objects.create(name="Отдел", short_name="О", parent=top)
    low = Unit.objects.create(name="Сектор", short_name="С", parent=mid)
    other = Unit.objects.create(name="Другой отдел", short_name="Д")
    assert low.ancestors() == [top, mid]
    assert top.descendant_ids() == {top.pk, mid.pk, low.pk}
    assert other.pk not in top.descendant_ids()
