"""The small search corpus (a world of tests/worlds.py, built once per test process):
articles (internal, public, typical answer, one behind a view restriction) and cases of
two clients, one of them confidential, built through the apps' own services and indexed
the way production indexes them (pages by Wagtail inline, cases by the task after
commit: the world is built outside any test transaction, so on-commit work runs at once).

`build()` makes it; `load()` returns the same objects, looked up, for each test."""

from __future__ import annotations

from types import SimpleNamespace

ARTICLES = {
    "declaration": "kak-zapolnit-spravki",
    "conflict": "chto-takoe-konflikt",
    "typical": "to-srok",
    "gift": "podarki",
    "restricted": "metodichka",
}
SECTIONS = ("declarations", "conflict", "methods")
CASES = {
    "own": "Справка о доходах супруги в декретном отпуске",
    "other": "Аренда квартиры у подрядчика ведомства",
    "confidential": "Давление руководителя при закупке",
}
METHODISTS = "Методисты (тест поиска)"


def _case(org, client, subject, text, topic, *, unit, executor, confidential=False):
    from cases import services

    case = services.submit_question(
        client, subject=subject, text=text, topic=topic, is_confidential=confidential
    )
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(case, org.registrar, unit=org.units[unit], executor=org.users[executor])


def build() -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from cases.topics import Topic as CaseTopic
    from intranet.models import HomePage
    from kb.demo import ensure_index, ensure_section, publish_article
    from kb.models import ArticlePage, Topic
    from tests.factories import load_org

    org = load_org()
    topics = {t.slug: t for t in Topic.objects.all()}
    index = ensure_index(HomePage.objects.first())
    declarations = ensure_section(index, "declarations", "Справки о доходах", org.units["ОДС"])
    conflict = ensure_section(index, "conflict", "Конфликт интересов", org.units["ОКИ"])
    methods = ensure_section(index, "methods", "Методика проверок", org.units["ОМП"])

    article = publish_article
    article(
        declarations,
        title="Как заполнить справки о доходах за отчётный год",
        slug=ARTICLES["declaration"],
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
    article(
        conflict,
        title="Что такое конфликт интересов",
        slug=ARTICLES["conflict"],
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
    article(
        declarations,
        title="Типовой ответ: срок представления справки",
        slug=ARTICLES["typical"],
        kind=ArticlePage.Kind.TYPICAL_ANSWER,
        summary="Ответ о сроке представления справки о доходах.",
        answer_text="Справка о доходах представляется до 30 апреля года, следующего за отчётным.",
        topics=[topics["declarations"]],
    )
    article(
        conflict,
        title="Подарки на официальных мероприятиях",
        slug=ARTICLES["gift"],
        kind=ArticlePage.Kind.FAQ,
        summary="Как уведомить о получении подарка и сдать его.",
        topics=[topics["prohibitions"]],
    )
    article(
        methods,
        title="Методичка проверки справок для руководителей",
        slug=ARTICLES["restricted"],
        kind=ArticlePage.Kind.INSTRUCTION,
        summary="Закрытая методика проверки достоверности справок о доходах.",
    )
    restriction = PageViewRestriction.objects.create(
        page=methods, restriction_type=PageViewRestriction.GROUPS
    )
    methodists, _created = Group.objects.get_or_create(name=METHODISTS)
    org.head.groups.add(methodists)
    restriction.groups.add(methodists)

    _case(
        org, org.client, CASES["own"],
        "Моя супруга в декретном отпуске. Нужно ли подавать справку о её доходах?",
        CaseTopic.DECLARATIONS, unit="ОДС", executor="executor",
    )  # fmt: skip
    _case(
        org, org.client2, CASES["other"],
        "Я снимаю квартиру у директора компании-подрядчика. Есть ли конфликт интересов?",
        CaseTopic.CONFLICT_OF_INTEREST, unit="ОКИ", executor="executor2",
    )  # fmt: skip
    _case(
        org, org.client2, CASES["confidential"],
        "Руководитель требует подписать акт приёмки невыполненных работ подрядчика.",
        CaseTopic.CONFLICT_OF_INTEREST, unit="ОКИ", executor="executor2",
        confidential=True,
    )  # fmt: skip


def load(org) -> SimpleNamespace:
    from cases.models import Case
    from kb.models import ArticlePage, KnowledgeBaseSectionPage

    pages = {p.slug: p for p in ArticlePage.objects.filter(slug__in=ARTICLES.values())}
    cases = {c.subject: c for c in Case.objects.filter(subject__in=CASES.values())}
    sections = {s.slug: s for s in KnowledgeBaseSectionPage.objects.filter(slug__in=SECTIONS)}
    return SimpleNamespace(
        org=org,
        users=org.users,
        articles=SimpleNamespace(**{key: pages[slug] for key, slug in ARTICLES.items()}),
        cases=SimpleNamespace(**{key: cases[subject] for key, subject in CASES.items()}),
        sections=sections,
    )
