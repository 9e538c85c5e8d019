"""Factories of the organisation (factory-boy): a unit and a few users with roles, for
tests that need no more than that, and `load_org()`, the demo organisation of the `org`
world (tests/worlds.py) looked up for a test.

    unit = UnitFactory()
    executor = UserFactory(roles=[roles.EXECUTORS], unit=unit)
"""

from __future__ import annotations

from types import SimpleNamespace

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from intranet import roles
from intranet.accounts.models import User
from intranet.models import StaffProfile, Unit

PASSWORD = "Верный-пароль-2026"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("short_name",)

    short_name = factory.Sequence(lambda n: f"ТО-{n}")
    name = factory.LazyAttribute(lambda unit: f"Тестовый отдел {unit.short_name}")
    phone = "+7 (812) 000-00-00"
    email = factory.Sequence(lambda n: f"unit-test{n}@example.gov.ru")


class UserFactory(DjangoModelFactory):
    """A user with a usable password (`PASSWORD`), the reader role and the roles given
    (`roles=[...]`), placed in `unit` (its staff profile) when one is given; `edits` and
    `heads` make the user an editor or the head of that unit."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"Тестов{n}")
    first_name = "Иван"
    patronymic = "Петрович"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.ru")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            names = [roles.READERS, *(extracted or ())]
            self.groups.add(*Group.objects.filter(name__in=names))

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        if create and extracted is not None:
            StaffProfile.objects.filter(user=self).update(unit=extracted)

    @factory.post_generation
    def edits(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.groups.add(extracted.editors_group)

    @factory.post_generation
    def heads(self, create, extracted, **kwargs):
        if create and extracted is not None:
            extracted.head = self
            extracted.save()


def load_org() -> SimpleNamespace:
    """The demo organisation of the `org` world: `.users`, `.units` by short name, and
    each user as an attribute (`org.registrar`)."""
    users = {u.username: u for u in User.objects.all()}
    units = {u.short_name: u for u in Unit.objects.all()}
    return SimpleNamespace(users=users, units=units, **users)


def question_form(**fields) -> dict:
    """The fields of the client's question form (cases:new) as a browser sends them,
    with `fields` changed or added."""
    data = {
        "subject": "Вклад в справке",
        "text": "Как указать вклад, закрытый в декабре прошлого года?",
        "topic": "declarations",
        "reply_channel": "portal",
        "reply_contact": "",
        "extra_reply_channel": "",
        "extra_reply_contact": "",
    }
    data.update(fields)
    return data
