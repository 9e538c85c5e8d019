"""The demo organisation of seed 001: the anti-corruption department (управление
профилактики коррупционных и иных правонарушений) with units by function, one demo
user per role, the intranet's pages and the reception point on Суворовский пр-кт.

Idempotent: every object is looked up by a natural key and created only if missing,
so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page, Site

from intranet import links, roles
from intranet.accounts.models import User
from intranet.models import (
    BodyRequisites,
    ContentPage,
    HomePage,
    Notification,
    ReceptionHours,
    ReceptionPointPage,
    ReceptionRoom,
    StaffDirectoryPage,
    StaffProfile,
    Unit,
)

DEMO_PASSWORD = "demo-intranet-2026"

DEPARTMENT = "УПК"
UNITS = [
    # short name, name, parent short name, phone, room
    (
        DEPARTMENT,
        "Управление профилактики коррупционных и иных правонарушений",
        None,
        "+7 (812) 539-40-00",
        "301",
    ),
    (
        "ОМП",
        "Отдел методического обеспечения и правового консультирования",
        DEPARTMENT,
        "+7 (812) 539-40-11",
        "305",
    ),
    (
        "ОДС",
        "Отдел по работе со сведениями о доходах, расходах, об имуществе",
        DEPARTMENT,
        "+7 (812) 539-40-22",
        "307",
    ),
    (
        "ОКИ",
        "Отдел по урегулированию конфликта интересов и соблюдению запретов",
        DEPARTMENT,
        "+7 (812) 539-40-33",
        "309",
    ),
    ("ОДО", "Сектор документационного обеспечения", DEPARTMENT, "+7 (812) 539-40-44", "302"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    patronymic: str
    roles: tuple[str, ...]
    unit: str | None
    position: str
    room: str = ""
    phone: str = ""
    heads: str | None = None  # short name of the unit this user heads
    edits: str | None = None  # short name of the unit whose sections this user edits
    superuser: bool = False


USERS = [
    DemoUser(
        "admin",
        "Администраторов",
        "Алексей",
        "Петрович",
        (roles.ADMINISTRATORS,),
        DEPARTMENT,
        "Администратор портала",
        "300",
        "40-01",
        superuser=True,
    ),
    DemoUser(
        "chief",
        "Волкова",
        "Елена",
        "Сергеевна",
        (roles.HEADS,),
        DEPARTMENT,
        "Начальник управления",
        "301",
        "40-00",
        heads=DEPARTMENT,
    ),
    DemoUser(
        "head",
        "Соколов",
        "Андрей",
        "Викторович",
        (roles.HEADS,),
        "ОДС",
        "Начальник отдела",
        "307",
        "40-20",
        heads="ОДС",
    ),
    DemoUser(
        "head2",
        "Морозова",
        "Ирина",
        "Павловна",
        (roles.HEADS,),
        "ОКИ",
        "Начальник отдела",
        "309",
        "40-30",
        heads="ОКИ",
    ),
    DemoUser(
        "head3",
        "Лебедев",
        "Дмитрий",
        "Олегович",
        (roles.HEADS,),
        "ОМП",
        "Начальник отдела",
        "305",
        "40-10",
        heads="ОМП",
    ),
    DemoUser(
        "editor",
        "Кузнецова",
        "Мария",
        "Андреевна",
        (roles.EDITORS, roles.EXECUTORS),
        "ОДС",
        "Главный специалист",
        "307",
        "40-23",
        edits="ОДС",
    ),
    DemoUser(
        "editor2",
        "Попов",
        "Сергей",
        "Иванович",
        (roles.EDITORS, roles.EXECUTORS),
        "ОКИ",
        "Ведущий специалист",
        "309",
        "40-34",
        edits="ОКИ",
    ),
    DemoUser(
        "editor3",
        "Новикова",
        "Ольга",
        "Николаевна",
        (roles.EDITORS,),
        "ОМП",
        "Консультант",
        "305",
        "40-12",
        edits="ОМП",
    ),
    DemoUser(
        "executor",
        "Васильев",
        "Павел",
        "Александрович",
        (roles.EXECUTORS,),
        "ОДС",
        "Ведущий специалист",
        "307",
        "40-24",
    ),
    DemoUser(
        "executor2",
        "Фёдорова",
        "Анна",
        "Михайловна",
        (roles.EXECUTORS,),
        "ОКИ",
        "Главный специалист",
        "309",
        "40-35",
    ),
    DemoUser(
        "registrar",
        "Смирнова",
        "Татьяна",
        "Юрьевна",
        (roles.REGISTRARS,),
        "ОДО",
        "Специалист первой категории",
        "302",
        "40-44",
    ),
    DemoUser(
        "client",
        "Иванов",
        "Иван",
        "Иванович",
        (roles.CLIENTS,),
        None,
        "Консультант комитета по строительству",
        "",
        "",
    ),
    DemoUser(
        "client2",
        "Петрова",
        "Наталья",
        "Владимировна",
        (roles.CLIENTS,),
        None,
        "Главный специалист комитета финансов",
        "",
        "",
    ),
    DemoUser(
        "reader",
        "Козлов",
        "Николай",
        "Евгеньевич",
        (),
        None,
        "Специалист комитета по культуре",
        "",
        "",
    ),
]


def seed(stdout=None) -> dict:
    """Build the demo organisation and pages; returns the created objects by key."""
    with transaction.atomic():
        units = _seed_units()
        users, created = _seed_users(units)
        home = _seed_pages()
        _seed_requisites()
    if stdout is not None:
        _report(stdout, created)
    return {"units": units, "users": users, "home": home}


# The letterhead of the demo body's letters (cases.letters).
REQUISITES = {
    "superior_body": "Правительство Ленинградской области",
    "name": "Администрация Губернатора и Правительства Ленинградской области",
    "address": "Суворовский пр-кт, д. 67, г. Санкт-Петербург, 191311",
    "phone": "+7 (812) 539-40-00",
    "email": "upk@example.gov.ru",
    "website": "https://example.gov.ru",
    "codes": "ОКПО 00000000, ОГРН 1000000000000, ИНН/КПП 7800000000/780000000",
}


# What the demo's history notified people of more than this long ago counts as read.
DEMO_NOTIFICATIONS_READ_AFTER = dt.timedelta(days=7)


def read_old_notifications(now: dt.datetime | None = None) -> int:
    """The demo's cases go back months, and each step notified someone: mark what is
    older than a week read (and out of the digest), as it would be for people who work
    there, so that a demo user's bell shows the last days, not the whole history. Run
    after every part of the demo is seeded; idempotent."""
    cutoff = (now or timezone.now()) - DEMO_NOTIFICATIONS_READ_AFTER
    old = Notification.objects.filter(read_at__isnull=True, created_at__lt=cutoff)
    return old.update(read_at=F("created_at"), digest_pending=False)


def _seed_requisites() -> BodyRequisites:
    """The body's requisites, unless an administrator has already set them."""
    requisites = BodyRequisites.load()
    if not requisites.name:
        for field, value in REQUISITES.items():
            setattr(requisites, field, value)
        requisites.save()
    return requisites


def _seed_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for order, (short, name, parent, phone, room) in enumerate(UNITS):
        unit = Unit.objects.filter(short_name=short).first()
        if unit is None:
            unit = Unit.objects.create(
                short_name=short,
                name=name,
                parent=units.get(parent) if parent else None,
                phone=phone,
                room=room,
                sort_order=order,
                email=f"unit{order}@example.gov.ru",
            )
        units[short] = unit
    return units


def _seed_users(units: dict[str, Unit]) -> tuple[dict[str, User], list[str]]:
    users: dict[str, User] = {}
    created_names: list[str] = []
    # Hashing is deliberately slow; the shared demo password is hashed once (a salted
    # hash shared by demo accounts is harmless: the password is published in the README).
    demo_hash = make_password(DEMO_PASSWORD) if settings.DEBUG else None
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                last_name=spec.last_name,
                first_name=spec.first_name,
                patronymic=spec.patronymic,
                email=f"{spec.username}@example.gov.ru",
                is_superuser=spec.superuser,
                is_staff=spec.superuser,
            )
            # Known passwords only where they are printed (DEBUG); elsewhere unguessable.
            user.password = demo_hash or make_password(secrets.token_urlsafe(24))
            user.save()
            user.groups.add(*Group.objects.filter(name__in=[roles.READERS, *spec.roles]))
            profile = StaffProfile.objects.get(user=user)
            profile.unit = units.get(spec.unit) if spec.unit else None
            profile.position = spec.position
            profile.room = spec.room
            profile.phone = f"+7 (812) 539-{spec.phone}" if spec.phone else ""
            profile.work_email = user.email
            profile.show_in_directory = spec.unit is not None
            profile.save()
            created_names.append(spec.username)
            if spec.edits:
                editors_group = units[spec.edits].editors_group
                user.groups.add(editors_group)
        users[spec.username] = user
        if spec.heads and units[spec.heads].head_id is None:
            unit = units[spec.heads]
            unit.head = user
            unit.save()
    return users, created_names


def _seed_pages() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's starter page ("Welcome to your new Wagtail site!") makes way.
        for starter in root.get_children().exact_type(Page):
            starter.delete()
        home = HomePage(
            title="Интранет Администрации",
            slug="home",
            intro="<p>База знаний «Противодействие коррупции», вопросы в управление "
            "профилактики и поиск по всем материалам.</p>",
        )
        root.add_child(instance=home)
        hostname, port = links.site_address()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": hostname,
                "port": port,
                "root_page": home,
                "site_name": "Интранет",
            },
        )
    links.sync_site()  # a database seeded under another BASE_URL follows this one
    if not StaffDirectoryPage.objects.exists():
        home.add_child(
            instance=StaffDirectoryPage(
                title="Справочник сотрудников",
                slug="staff",
                show_in_menus=True,
                search_description="Кто где сидит: кабинеты, телефоны, почта",
                intro="<p>Указатели на дверях кабинетов и телефоны сотрудников управления "
                "профилактики.</p>",
            )
        )
    if not ReceptionPointPage.objects.exists():
        _seed_reception_point(home)
    if not ContentPage.objects.filter(slug="about").exists():
        home.add_child(
            instance=ContentPage(
                title="О портале",
                slug="about",
                summary="<p>Как пользоваться интранетом: база знаний, вопросы, поиск.</p>",
                body=[
                    (
                        "paragraph",
                        "<p>Здесь собраны материалы управления профилактики "
                        "коррупционных и иных правонарушений. Сначала поищите ответ в базе знаний; "
                        "если его нет, задайте вопрос, и ответ придёт выбранным вами способом.</p>",
                    ),
                ],
            )
        )
    return home


def _seed_reception_point(home: HomePage) -> ReceptionPointPage:
    page = ReceptionPointPage(
        title="Место приёма управления профилактики",
        slug="reception",
        show_in_menus=True,
        search_description="Суворовский пр-кт, д. 67: часы приёма и как добраться",
        address="г. Санкт-Петербург, Суворовский пр-кт, д. 67",
        directions="<p>Станция метро «Чернышевская» или «Площадь Восстания», далее "
        "троллейбусом № 15 или 16 до остановки «Суворовский проспект, 67». Вход с "
        "Суворовского проспекта, пропуск по служебному удостоверению.</p>",
        phone="+7 (812) 539-40-44",
        email="reception@example.gov.ru",
    )
    lunch = (dt.time(12, 0), dt.time(12, 48))
    for weekday in range(4):
        page.hours.add(
            ReceptionHours(
                weekday=weekday,
                opens=dt.time(9),
                closes=dt.time(18),
                lunch_start=lunch[0],
                lunch_end=lunch[1],
            )
        )
    page.hours.add(
        ReceptionHours(
            weekday=4,
            opens=dt.time(9),
            closes=dt.time(17),
            lunch_start=lunch[0],
            lunch_end=lunch[1],
        )
    )
    page.rooms.add(
        ReceptionRoom(
            room="305", staff="Лебедев Д. О., начальник отдела\nНовикова О. Н., консультант"
        )
    )
    page.rooms.add(
        ReceptionRoom(
            room="307",
            staff="Соколов А. В., начальник отдела\n"
            "Кузнецова М. А., главный специалист\n"
            "Васильев П. А., ведущий специалист",
        )
    )
    page.rooms.add(
        ReceptionRoom(
            room="309",
            staff="Морозова И. П., начальник отдела\n"
            "Попов С. И., ведущий специалист\n"
            "Фёдорова А. М., главный специалист",
        )
    )
    home.add_child(instance=page)
    return page


def _report(stdout, created: list[str]) -> None:
    if not created:
        stdout.write(gettext("The demo organisation already exists: nothing changed."))
        return
    stdout.write(gettext("Demo users created: %(names)s.") % {"names": ", ".join(created)})
    if settings.DEBUG:
        stdout.write(
            gettext("Password of every demo user (DEBUG only): %(password)s")
            % {"password": DEMO_PASSWORD}
        )
    else:
        stdout.write(gettext("DEBUG is off: demo passwords are random and not shown."))
