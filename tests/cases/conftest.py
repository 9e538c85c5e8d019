"""Fixtures of the cases desk tests: helpers to make cases in a given state through the
services, on the demo organisation (the `org` fixture of tests/conftest.py: the `org`
world, without demo cases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.choices import Channel, ReplyChannel
from cases.topics import Topic


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
