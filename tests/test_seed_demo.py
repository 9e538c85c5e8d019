"""seed_demo builds the demo organisation once; a second run changes nothing.

The `demo` fixture's world is made by `seed_demo` itself (under DEBUG, tests/worlds.py),
once per test process: the tests of what it built read that world; the tests of the
passwords it prints run its organisation's part on the empty database."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from intranet import roles
from intranet.demo import DEMO_PASSWORD, USERS

pytestmark = pytest.mark.django_db


def _snapshot():
    """Row count of every model, and every user's password hash."""
    from intranet.accounts.models import User

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "admin."))
    }
    return counts, dict(User.objects.values_list("username", "password"))


def test_seed_demo_is_idempotent(demo, settings):
    settings.DEBUG = True
    first = _snapshot()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _snapshot() == first
    assert "ничего не изменилось" in out.getvalue()


def test_seed_demo_builds_the_organisation_of_seed_001(demo):
    from wagtail.models import Site

    from intranet.models import ReceptionPointPage, Unit

    department = Unit.objects.get(short_name="УПК")
    assert department.name == "Управление профилактики коррупционных и иных правонарушений"
    assert set(Unit.objects.filter(parent=department).values_list("short_name", flat=True)) == {
        "ОМП",
        "ОДС",
        "ОКИ",
        "ОДО",
    }
    point = ReceptionPointPage.objects.get()
    assert "Суворовский пр-кт, д. 67" in point.address
    hours = {row.weekday: row for row in point.hours.all()}
    assert sorted(hours) == [0, 1, 2, 3, 4]
    assert str(hours[4].closes) == "17:00:00" and str(hours[0].closes) == "18:00:00"
    assert str(hours[0].lunch_start) == "12:00:00" and str(hours[0].lunch_end) == "12:48:00"
    assert Site.objects.get(is_default_site=True).root_page.specific_class.__name__ == "HomePage"


def test_demo_users_cover_every_role(demo):
    from intranet.accounts.models import User

    covered = set()
    for spec in USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        covered.update(user.groups.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= covered
    editor = User.objects.get(username="editor")
    assert editor.groups.filter(name="Редакторы: ОДС").exists()


def test_passwords_are_random_and_unprinted_without_debug(settings):
    """What seed_demo prints of the users comes from the organisation's part
    (intranet.demo.seed, given the command's output): run alone on the empty database."""
    from intranet import demo
    from intranet.accounts.models import User

    settings.DEBUG = False
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "reader" in out.getvalue()  # the users it created are named
    assert DEMO_PASSWORD not in out.getvalue()
    assert not User.objects.get(username="reader").check_password(DEMO_PASSWORD)


def test_passwords_printed_with_debug(settings):
    from intranet import demo
    from intranet.accounts.models import User

    settings.DEBUG = True
    out = io.StringIO()
    demo.seed(stdout=out)
    assert DEMO_PASSWORD in out.getvalue()
    assert User.objects.get(username="reader").check_password(DEMO_PASSWORD)
