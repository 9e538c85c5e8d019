"""Factories of cases (factory-boy). A case is made the way the desk makes it, through
the services of each stage (submission, triage, assignment), never by writing rows, so
its registration number, deadline, events and search document are real. The people
come from the demo organisation (the `org` world, tests/worlds.py) or are passed in.

    CaseFactory()                                   # registered, from `client`
    CaseFactory(state="assigned", unit="ОКИ", executor="executor2", urgent=True)
    CaseFactory(client=UserFactory(roles=[roles.CLIENTS]), subject="…")
"""

from __future__ import annotations

import factory

from cases import services
from cases.models import Case
from cases.topics import Topic
from tests.factories import load_org

STATES = ("registered", "triaged", "assigned")


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    subject = "Вопрос о справке о доходах"
    text = "Как указать доход от вклада в справке о доходах?"
    topic = Topic.DECLARATIONS

    @classmethod
    def _create(cls, model_class, *args, state="registered", client=None, urgent=False,
                unit="ОДС", executor="executor", co_executors=(), registrar=None,
                **fields):  # fmt: skip
        if state not in STATES:
            raise ValueError(f"state {state!r}: one of {STATES}")
        org = load_org()
        registrar = registrar or org.registrar
        case = services.submit_question(client or org.client, **fields)
        if state in {"triaged", "assigned"}:
            case = services.decide_urgency(case, registrar, urgent=urgent)
        if state == "assigned":
            case = services.assign(
                case,
                registrar,
                unit=org.units[unit] if isinstance(unit, str) else unit,
                executor=org.users[executor] if isinstance(executor, str) else executor,
                co_executors=[org.users[n] if isinstance(n, str) else n for n in co_executors],
            )
        return case
