"""Fixtures of the cases desk tests: helpers to make cases in a given state through the
services, on the demo organisation (the `org` fixture of tests/conftest.py: the `org`
world, without demo cases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.choices import Channel, ReplyChannel


def moscow(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def make_case(org):
    """make_case(state="registered"|"triaged"|"assigned", client=..., **fields): a case
    made through the services (tests/cases/factories.py) on the demo organisation."""
    from tests.cases.factories import CaseFactory

    return CaseFactory


@pytest.fixture
def permission_cases(db):
    """{"A": case, "B": …, "C": …, "D": …}: the four cases of the permission tests, the
    `permissions` world (tests/cases/permission_world.py)."""
    from tests.cases.permission_world import load

    return load()


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
