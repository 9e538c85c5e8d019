"""Fixtures of the reception tests: the demo organisation with its reception point
(seed 001's hours), the cases fixtures, and helpers to find free slots and to make
bookings at fixed times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.cases.conftest import make_case  # noqa: F401

MSK = ZoneInfo("Europe/Moscow")


def msk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


@pytest.fixture
def point(org):
    from intranet.models import ReceptionPointPage

    return ReceptionPointPage.objects.get()


@pytest.fixture
def free_slot(point):
    """free_slot(n=0): the n-th free slot of the first reception day that has one."""
    from cases.reception.slots import Planner

    def _free(n: int = 0):
        planner = Planner(point)
        day = next(day for day, free in planner.days() if free > n)
        return planner.free(day)[n]

    return _free


@pytest.fixture
def make_booking(org, point):
    """A booking written straight to the table (any time, past or future)."""
    from cases.reception.models import Booking

    def _make(starts: dt.datetime, client=None, minutes: int = 30, **fields):
        fields.setdefault("topic", "declarations")
        fields.setdefault("question", "Как заполнить справку?")
        fields.setdefault("reminder_channel", "email")
        client = client or org.client
        fields.setdefault("reminder_contact", client.email)
        return Booking.objects.create(
            point=point, client=client, starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes), **fields,
        )  # fmt: skip

    return _make
