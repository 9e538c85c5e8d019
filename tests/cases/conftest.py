"""Fixtures of the cases desk tests: the demo organisation (without demo cases) and a
few helpers to make cases in a given state through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases import services
from cases.choices import Channel, ReplyChannel
from cases.demo import ROUTES
from cases.models import TopicRoute
from cases.topics import Topic


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (the celery_worker
    fixture switches this off for its test): with CELERY_BROKER_URL set, a task sent
    on commit must not go to a shared broker queue that no test worker consumes."""
    from intranet.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def org(db):
    from intranet import demo
    from intranet.accounts.models import User
    from intranet.models import Unit

    demo.seed()
    units = {u.short_name: u for u in Unit.objects.all()}
    for topic, short in ROUTES.items():
        TopicRoute.objects.get_or_create(topic=topic, defaults={"unit": units[short]})
    users = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(users=users, units=units, **users)


def moscow(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def make_case(org):
    """make_case(state="registered"|"triaged"|"assigned", client=..., **fields)"""

    def _make(state="registered", client=None, urgent=False, unit="ОДС", executor="executor",
              co_executors=(), **fields):  # fmt: skip
        client = client or org.client
        fields.setdefault("subject", "Вопрос о справке о доходах")
        fields.setdefault("text", "Как указать доход от вклада в справке о доходах?")
        fields.setdefault("topic", Topic.DECLARATIONS)
        case = services.submit_question(client, **fields)
        if state in {"triaged", "assigned"}:
            case = services.decide_urgency(case, org.registrar, urgent=urgent)
        if state == "assigned":
            case = services.assign(
                case,
                org.registrar,
                unit=org.units[unit],
                executor=org.users[executor] if executor else None,
                co_executors=[org.users[n] for n in co_executors],
            )
        return case

    return _make


@pytest.fixture
def register_post(org):
    def _register(**fields):
        fields.setdefault("subject", "Письмо по почте")
        fields.setdefault("text", "Прошу разъяснить порядок уведомления о подарке.")
        fields.setdefault("channel", Channel.POST)
        fields.setdefault("external", {"name": "Сидоров Пётр Ильич", "postal_address": "СПб"})
        fields.setdefault("reply_channel", ReplyChannel.POST)
        fields.setdefault("reply_contact", "СПб, Невский пр., 1")
        return services.register_message(org.registrar, **fields)

    return _register


@pytest.fixture(scope="module")
def restore_migrated_rows(django_db_blocker):
    """After a transactional test flushed the database, put back the rows migrations
    created (Wagtail's root page, role groups, …) so the transactional tests that run
    next, in any app, start from the migrated state. Use on transactional tests with
    ``serialized_rollback=True`` (which makes pytest-django keep that state)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
