"""Demo cases for `manage.py seed_demo` (after intranet.demo): questions of internal
clients and messages of outside people across regimes, channels, units and states,
some urgent, some overdue, dated relative to today so the queues are never empty.

Idempotent: topic routes are looked up by topic, cases by subject; a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.choices import Channel, ClientKind, Regime, ReplyChannel
from cases.models import Case, TopicRoute
from cases.topics import Topic
from intranet.accounts.models import User
from intranet.models import Unit

ROUTES = {
    Topic.ANTI_CORRUPTION_LAW: "ОМП",
    Topic.DECLARATIONS: "ОДС",
    Topic.INTERNET_SITES: "ОДС",
    Topic.CONFLICT_OF_INTEREST: "ОКИ",
    Topic.PROHIBITIONS: "ОКИ",
}


@dataclass
class DemoCase:
    subject: str
    text: str
    topic: str
    days_ago: int  # received and registered this many days ago
    channel: str = Channel.PORTAL
    client: str | None = None  # username of an internal client
    external: dict | None = None
    regime: str | None = None
    reply_channel: str = ReplyChannel.PORTAL
    reply_contact: str = ""
    urgent: bool | None = None  # None: urgency not decided yet
    unit: str | None = None
    executor: str | None = None
    co_executors: list[str] = field(default_factory=list)
    confidential: bool = False
    withdrawn: bool = False
    # Part 2: what happened next ("answered", "refused", "forwarded", "no_answer",
    # "clarification", "extended"), with its text.
    outcome: str | None = None
    outcome_text: str = ""


CASES = [
    DemoCase(
        "Как указать в справке вклад, открытый в декабре",
        "В декабре прошлого года я открыл вклад в банке и закрыл его через две недели. "
        "Нужно ли указывать этот счёт в справке о доходах за отчётный год, если на 31 "
        "декабря остаток был нулевым? Прошу ответить срочно: справку сдаю на этой неделе.",
        Topic.DECLARATIONS,
        days_ago=1,
        client="client",
    ),
    DemoCase(
        "Родственник устраивается в подведомственное учреждение",
        "Мой брат получил предложение о работе в учреждении, подведомственном нашему "
        "комитету. Я участвую в согласовании его бюджета. Возникает ли конфликт интересов "
        "и какое уведомление мне нужно подать?",
        Topic.CONFLICT_OF_INTEREST,
        days_ago=0,
        client="client2",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client2@example.gov.ru",
    ),
    DemoCase(
        "Жалоба на отсутствие ответа о проверке сведений",
        "Прошу сообщить, на каком основании в отношении меня проводилась проверка "
        "достоверности сведений и почему мне не сообщили её результаты.",
        Topic.ANTI_CORRUPTION_LAW,
        days_ago=40,
        channel=Channel.POST,
        external={
            "kind": ClientKind.PERSON,
            "name": "Григорьев Олег Викторович",
            "postal_address": "188300, Ленинградская обл., г. Гатчина, ул. Соборная, д. 5, кв. 12",
            "phone": "+7 (921) 555-12-34",
        },
        reply_channel=ReplyChannel.POST,
        reply_contact="188300, Ленинградская обл., г. Гатчина, ул. Соборная, д. 5, кв. 12",
        urgent=False,
        unit="ОМП",
        executor="head3",
    ),
    DemoCase(
        "Нужно ли указывать кешбэк по банковской карте",
        "Банк начислил мне кешбэк за покупки. Является ли он доходом, который нужно "
        "указать в разделе 1 справки?",
        Topic.DECLARATIONS,
        days_ago=27,
        client="client",
        urgent=False,
        unit="ОДС",
        executor="executor",
    ),
    DemoCase(
        "Срочно: сведения о сайтах до 1 апреля",
        "Я веду личный канал о рыбалке и страницу в социальной сети. Нужно ли их включать "
        "в сведения об адресах сайтов, которые подаются не позднее 1 апреля?",
        Topic.INTERNET_SITES,
        days_ago=2,
        client="reader",
        urgent=True,
        unit="ОДС",
        executor="executor",
        co_executors=["editor"],
    ),
    DemoCase(
        "Подарок на юбилей от подрядчика",
        "Сообщаю, что сотруднику отдела закупок подрядчик вручил подарочный сертификат. "
        "Прошу проверить соблюдение запрета на получение подарков.",
        Topic.PROHIBITIONS,
        days_ago=12,
        channel=Channel.FEEDBACK,
        external={
            "kind": ClientKind.ORGANISATION,
            "name": "ООО «Северный подряд»",
            "email": "office@sev-podryad.ru",
        },
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="office@sev-podryad.ru",
        urgent=False,
        unit="ОКИ",
        executor="executor2",
    ),
    DemoCase(
        "Можно ли принять книгу в подарок на конференции",
        "На отраслевой конференции участникам раздавали книги с символикой организатора. "
        "Нужно ли уведомлять о таком подарке?",
        Topic.PROHIBITIONS,
        days_ago=5,
        channel=Channel.EMAIL,
        client="client2",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client2@example.gov.ru",
        urgent=False,
        unit="ОКИ",
        executor="editor2",
    ),
    DemoCase(
        "Уведомление об иной оплачиваемой работе",
        "Хочу вести занятия в вузе по совместительству. За сколько дней подаётся "
        "уведомление и кому?",
        Topic.PROHIBITIONS,
        days_ago=0,
        channel=Channel.PHONE,
        client="client",
        reply_channel=ReplyChannel.PHONE,
        reply_contact="+7 (812) 539-41-17",
    ),
    DemoCase(
        "Запрос о числе проверок сведений о доходах",
        "Прошу предоставить информацию о количестве проверок достоверности сведений о "
        "доходах, проведённых в прошлом году.",
        Topic.ANTI_CORRUPTION_LAW,
        days_ago=10,
        channel=Channel.WEBSITE,
        regime=Regime.INFO_REQUEST,
        external={
            "kind": ClientKind.PERSON,
            "name": "Смирнов Кирилл Андреевич",
            "email": "k.smirnov@mail.ru",
        },
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="k.smirnov@mail.ru",
        urgent=False,
        unit="ОМП",
        executor="head3",
    ),
    DemoCase(
        "Склонение к совершению коррупционного правонарушения",
        "Сообщаю о попытке склонить меня к ускорению выдачи разрешения за вознаграждение. "
        "Прошу разъяснить порядок уведомления и обеспечить конфиденциальность.",
        Topic.CONFLICT_OF_INTEREST,
        days_ago=1,
        channel=Channel.VISIT,
        client="client2",
        reply_channel=ReplyChannel.PICKUP,
        urgent=True,
        unit="ОКИ",
        executor="executor2",
        confidential=True,
    ),
    DemoCase(
        "Вопрос о справке супруги",
        "Супруга не работает. Как заполнить раздел о доходах супруги?",
        Topic.DECLARATIONS,
        days_ago=15,
        client="client",
        withdrawn=True,
    ),
    DemoCase(
        "Публикация о подарке чиновнику в социальной сети",
        "В городском паблике опубликован пост о том, что сотрудник администрации принял "
        "дорогой подарок. Просим проверить информацию.",
        Topic.PROHIBITIONS,
        days_ago=4,
        channel=Channel.INCIDENT,
        external={"kind": ClientKind.ORGANISATION, "name": "ЦУР Ленинградской области"},
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="cur@example.ru",
        urgent=True,
        unit="ОКИ",
        executor="executor2",
    ),
    DemoCase(
        "Запрос методических рекомендаций по декларационной кампании",
        "Просим направить актуальные методические рекомендации по заполнению справок для "
        "рассылки работникам учреждения.",
        Topic.DECLARATIONS,
        days_ago=20,
        channel=Channel.EDMS,
        external={"kind": ClientKind.ORGANISATION, "name": "Комитет по строительству ЛО"},
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="stroy@example.gov.ru",
        urgent=False,
        unit="ОДС",
        executor="editor",
    ),
    DemoCase(
        "Доход от продажи автомобиля",
        "В отчётном году я продал автомобиль дешевле, чем купил. Указывать ли доход?",
        Topic.DECLARATIONS,
        days_ago=35,
        client="client2",
        urgent=False,
        unit="ОДС",
        executor="executor",
    ),
    DemoCase(
        "Нужно ли указывать в справке кредитную карту с нулевым балансом",
        "У меня есть кредитная карта, которой я не пользуюсь, задолженности нет. Нужно ли "
        "отражать её в разделе об обязательствах финансового характера?",
        Topic.DECLARATIONS,
        days_ago=12,
        client="client2",
        urgent=False,
        unit="ОДС",
        executor="executor",
        outcome="answered",
        outcome_text="<p>Уважаемый(ая) коллега!</p><p>Если на отчётную дату долга по карте "
        "нет, в разделе 6.2 её указывать не нужно. Сам счёт карты укажите в разделе 4, "
        "если на нём были деньги или движение средств.</p>",
    ),
    DemoCase(
        "Прошу выдать копию справки о доходах моего коллеги",
        "Прошу предоставить мне копию справки о доходах сотрудника соседнего отдела: хочу "
        "сравнить наши доходы.",
        Topic.DECLARATIONS,
        days_ago=9,
        client="reader",
        urgent=False,
        unit="ОДС",
        executor="executor",
        outcome="refused",
        outcome_text="Мы не можем выдать копию чужой справки: сведения о доходах касаются "
        "личной жизни сотрудника и его семьи, их видят только он сам и те, кто проверяет "
        "справки по службе (п. 8 Положения, утв. Указом Президента РФ от 18.05.2009 № 559).",
    ),
    DemoCase(
        "Жалоба на работу управляющей компании",
        "Управляющая компания третий месяц не убирает подъезд. Прошу принять меры.",
        Topic.ANTI_CORRUPTION_LAW,
        days_ago=4,
        channel=Channel.POST,
        external={
            "name": "Кузнецова Ольга Петровна",
            "postal_address": "197022, Санкт-Петербург, ул. Льва Толстого, д. 9, кв. 5",
        },
        reply_channel=ReplyChannel.POST,
        reply_contact="197022, Санкт-Петербург, ул. Льва Толстого, д. 9, кв. 5",
        urgent=False,
        unit="ОМП",
        executor="head3",
        outcome="forwarded",
        outcome_text="Государственная жилищная инспекция Санкт-Петербурга|"
        "191023, Санкт-Петербург, ул. Малая Садовая, д. 1; gji@gov.spb.ru|"
        "Направляем обращение гражданки Кузнецовой О. П. для рассмотрения по компетенции.",
    ),
    DemoCase(
        "Повторно о порядке уведомления о подарке",
        "Снова прошу разъяснить, как сдать подарок, полученный на конференции.",
        Topic.PROHIBITIONS,
        days_ago=6,
        client="client",
        urgent=False,
        unit="ОКИ",
        executor="executor2",
        outcome="clarification",
        outcome_text="Уточните, пожалуйста, стоимость подарка и дату конференции.",
    ),
    DemoCase(
        "Проверка сведений о конфликте интересов в подведомственном учреждении",
        "Прошу проверить, нет ли конфликта интересов у руководителя учреждения при закупках.",
        Topic.CONFLICT_OF_INTEREST,
        days_ago=20,
        client="client2",
        urgent=False,
        unit="ОКИ",
        executor="executor2",
        outcome="extended",
        outcome_text="Запрошены документы о закупках в учреждении; нужен их анализ.",
    ),
]


def _outcome(case: Case, spec: DemoCase, users, units, registrar, at) -> Case:
    """Carry a demo case on past assignment (part 2)."""
    from cases.models import AnswerKind

    executor = users.get(spec.executor) if spec.executor else None
    head = units[spec.unit].head if spec.unit else None
    if executor is None or head is None:
        return case
    if spec.outcome in {"answered", "refused"}:
        refused = spec.outcome == "refused"
        services.save_answer(
            case, executor,
            kind=AnswerKind.REFUSAL if refused else AnswerKind.MERITS,
            body="" if refused else spec.outcome_text,
            grounds=spec.outcome_text if refused else "",
            at=at,
        )  # fmt: skip
        services.submit_answer(case, executor, at=at)
        if services.needs_approval(case, AnswerKind.REFUSAL if refused else AnswerKind.MERITS):
            services.approve_answer(case, head, comment="Согласовано.", at=at)
        services.register_answer(case, executor, at=at)
    elif spec.outcome == "forwarded":
        name, contacts, letter = spec.outcome_text.split("|")
        services.forward(case, executor, body_name=name, body_contacts=contacts,
                         covering_letter=letter, at=at)  # fmt: skip
    elif spec.outcome == "clarification":
        services.ask_clarification(case, executor, question=spec.outcome_text, at=at)
    elif spec.outcome == "extended":
        services.request_documents(case, executor, body_name="ГКУ «Центр закупок»",
                                   what="Протоколы закупок за год", at=at)  # fmt: skip
        services.extend(case, head, days=30, reason=spec.outcome_text, at=at)
    case.refresh_from_db()
    return case


def _at(days_ago: int) -> dt.datetime:
    now = timezone.localtime()
    moment = (now - dt.timedelta(days=days_ago)).replace(hour=10, minute=0, second=0)
    return min(moment, now - dt.timedelta(minutes=days_ago + 1))


def seed_routes(units: dict[str, Unit]) -> None:
    """Route each topic to its unit of the demo organisation (`units` by short name)."""
    with transaction.atomic():
        for topic, short in ROUTES.items():
            if short in units:
                TopicRoute.objects.get_or_create(topic=topic, defaults={"unit": units[short]})


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    units = {u.short_name: u for u in Unit.objects.all()}
    registrar = users.get("registrar")
    if registrar is None or not units:
        if stdout is not None:
            stdout.write("Обращения: нет демо-организации, пропускаю.")
        return {}
    seed_routes(units)
    created = []
    for spec in sorted(CASES, key=lambda s: -s.days_ago):
        if Case.objects.filter(subject=spec.subject).exists():
            continue
        created.append(_create(spec, users, units, registrar))
    if stdout is not None:
        stdout.write(f"Обращения: создано {len(created)}." if created else "Обращения уже созданы.")
    return {"cases": created}


@transaction.atomic
def _create(spec: DemoCase, users, units, registrar) -> Case:
    at = _at(spec.days_ago)
    client = users.get(spec.client) if spec.client else None
    common = {
        "subject": spec.subject,
        "text": spec.text,
        "topic": spec.topic,
        "reply_channel": spec.reply_channel,
        "reply_contact": spec.reply_contact,
        "is_confidential": spec.confidential,
        "at": at,
    }
    if spec.channel == Channel.PORTAL and client is not None:
        case = services.submit_question(client, **common)
    else:
        case = services.register_message(
            registrar,
            channel=spec.channel,
            regime=spec.regime,
            received_at=at - dt.timedelta(hours=1),
            client=client,
            external=spec.external if client is None else None,
            **common,
        )
    later = at + dt.timedelta(hours=2)
    if spec.urgent is not None:
        case = services.decide_urgency(case, registrar, urgent=spec.urgent, at=later)
    if spec.unit:
        case = services.assign(
            case,
            registrar,
            unit=units[spec.unit],
            executor=users.get(spec.executor) if spec.executor else None,
            co_executors=[users[name] for name in spec.co_executors if name in users],
            at=later + dt.timedelta(minutes=30),
        )
    if spec.withdrawn and client is not None:
        case = services.withdraw(case, client, reason="Нашёл ответ в базе знаний.", at=later)
    if spec.outcome:
        case = _outcome(case, spec, users, units, registrar, later + dt.timedelta(days=2))
    return case
