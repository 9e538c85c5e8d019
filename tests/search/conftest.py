"""Fixtures of the search tests: a small corpus built through the apps' own services
(organisation, KB articles, cases), indexed the way production indexes it: pages by
Wagtail inline, cases by the Celery task after commit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def eager_tasks():
    """Index updates run in the test's process, also when CELERY_BROKER_URL is set (the
    `celery_worker` fixture switches to a real worker for the tests that ask for one)."""
    from intranet.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def org(db):
    from cases.demo import ROUTES
    from cases.models import TopicRoute
    from intranet import demo
    from intranet.accounts.models import User
    from intranet.models import Unit

    demo.seed()
    units = {u.short_name: u for u in Unit.objects.all()}
    for topic, short in ROUTES.items():
        TopicRoute.objects.get_or_create(topic=topic, defaults={"unit": units[short]})
    users = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(users=users, units=units, **users)


def _case(org, client, subject, text, topic, *, unit, executor, confidential=False,
          co_executors=()):  # fmt: skip
    from cases import services

    case = services.submit_question(
        client, subject=subject, text=text, topic=topic, is_confidential=confidential
    )
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(
        case,
        org.registrar,
        unit=org.units[unit],
        executor=org.users[executor],
        co_executors=[org.users[name] for name in co_executors],
    )


@pytest.fixture
def corpus(org, django_capture_on_commit_callbacks):
    """Articles (internal, public, typical answer, one behind a view restriction) and
    cases of two clients, one of them confidential."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from cases.topics import Topic as CaseTopic
    from intranet.models import HomePage
    from kb.demo import ensure_index, ensure_section, publish_article
    from kb.models import ArticlePage, Topic

    topics = {t.slug: t for t in Topic.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        index = ensure_index(HomePage.objects.first())
        declarations = ensure_section(index, "declarations", "Справки о доходах", org.units["ОДС"])
        conflict = ensure_section(index, "conflict", "Конфликт интересов", org.units["ОКИ"])
        methods = ensure_section(index, "methods", "Методика проверок", org.units["ОМП"])

        article = publish_article
        a = SimpleNamespace()
        a.declaration = article(
            declarations,
            title="Как заполнить справки о доходах за отчётный год",
            slug="kak-zapolnit-spravki",
            kind=ArticlePage.Kind.INSTRUCTION,
            summary="Кто и когда представляет справки о доходах, расходах, об имуществе.",
            body=[
                (
                    "paragraph",
                    "<p>Справки о доходах заполняются в программе «Справки БК»"
                    " и сдаются до 30 апреля.</p>",
                )
            ],
            topics=[topics["declarations"]],
        )
        a.conflict = article(
            conflict,
            title="Что такое конфликт интересов",
            slug="chto-takoe-konflikt",
            kind=ArticlePage.Kind.FAQ,
            audience=ArticlePage.Audience.PUBLIC,
            summary="Когда личная заинтересованность влияет на исполнение обязанностей.",
            body=[
                (
                    "paragraph",
                    "<p>О возникшем конфликте интересов уведомляют представителя нанимателя.</p>",
                )
            ],
            topics=[topics["conflict-of-interest"]],
        )
        a.typical = article(
            declarations,
            title="Типовой ответ: срок представления справки",
            slug="to-srok",
            kind=ArticlePage.Kind.TYPICAL_ANSWER,
            summary="Ответ о сроке представления справки о доходах.",
            answer_text="Справка о доходах представляется до 30 апреля года, "
            "следующего за отчётным.",
            topics=[topics["declarations"]],
        )
        a.gift = article(
            conflict,
            title="Подарки на официальных мероприятиях",
            slug="podarki",
            kind=ArticlePage.Kind.FAQ,
            summary="Как уведомить о получении подарка и сдать его.",
            topics=[topics["prohibitions"]],
        )
        a.restricted = article(
            methods,
            title="Методичка проверки справок для руководителей",
            slug="metodichka",
            kind=ArticlePage.Kind.INSTRUCTION,
            summary="Закрытая методика проверки достоверности справок о доходах.",
        )
        restriction = PageViewRestriction.objects.create(
            page=methods, restriction_type=PageViewRestriction.GROUPS
        )
        methodists, _created = Group.objects.get_or_create(name="Методисты (тест поиска)")
        org.head.groups.add(methodists)
        restriction.groups.add(methodists)

        c = SimpleNamespace()
        c.own = _case(
            org, org.client,
            "Справка о доходах супруги в декретном отпуске",
            "Моя супруга в декретном отпуске. Нужно ли подавать справку о её доходах?",
            CaseTopic.DECLARATIONS, unit="ОДС", executor="executor",
        )  # fmt: skip
        c.other = _case(
            org, org.client2,
            "Аренда квартиры у подрядчика ведомства",
            "Я снимаю квартиру у директора компании-подрядчика. Есть ли конфликт интересов?",
            CaseTopic.CONFLICT_OF_INTEREST, unit="ОКИ", executor="executor2",
        )  # fmt: skip
        c.confidential = _case(
            org, org.client2,
            "Давление руководителя при закупке",
            "Руководитель требует подписать акт приёмки невыполненных работ подрядчика.",
            CaseTopic.CONFLICT_OF_INTEREST, unit="ОКИ", executor="executor2",
            confidential=True,
        )  # fmt: skip
    return SimpleNamespace(
        org=org,
        users=org.users,
        articles=a,
        cases=c,
        sections={"declarations": declarations, "conflict": conflict, "methods": methods},
    )


@pytest.fixture
def found():
    """found(user, query, **kw) -> set of (kind, title) among all hits of every tab."""
    from search import services

    def _found(user, query, **kwargs):
        titles = set()
        for kind in (services.ARTICLE, services.TYPICAL_ANSWER, services.CASE):
            result = services.search(user, query, kind=kind, per_page=100, **kwargs)
            titles |= {(hit.kind, hit.title) for hit in result.hits}
        return titles

    return _found
