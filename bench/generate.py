"""Benchmark data: N cases, M knowledge-base articles and U users of a large regional
body, deterministic by seed.

    .venv/bin/python bench/generate.py [--cases 100000] [--articles 5000] [--users 2000]
        [--seed 20261123] [--today 2026-11-23] [--regenerate] [--database-url URL]

Default database: postgres://postgres@127.0.0.1:5432/intranet_bench9 (created and
migrated if missing). Never point it at a database you care about: the generator owns
the cases desk of its database (a regeneration empties it).

What it makes, on top of the demo organisation and knowledge base (intranet.demo,
kb.demo, both idempotent):

- units: anti-corruption sectors of the region's committees under the department;
- users with roles: a head, an editor and executors per unit, registrars, and internal
  clients (a few of them frequent askers), each with a staff profile;
- KB sections owned by the units (the first has exactly 50 articles, the others 30–130)
  and articles of every kind with Russian bodies (headings, lists, steps, Q&A, tables),
  topics, tags, cited acts and related articles, then their search index entries;
- cases over the last two years across channels, regimes, topics, units and states, with
  registration numbers, deadlines (the project's own deadline rules and calendar),
  urgency, routing, answers (drafts, approvals, registered with outgoing numbers),
  clarifications, forwardings, deliveries, ratings, attachments and the timeline events
  of each step; then their search documents (search.documents.sync_all).

Fast: pages and cases go in with bulk inserts (never one save per row), cases are made
and written in chunks of 2,000 so memory stays flat whatever N is. Idempotent: a table
``bench_dataset`` records what was generated; run again with the same sizes and seed it
does nothing, with other sizes (or --regenerate) it deletes what it made and starts
again."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import random
import resource
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import texts

USER_PREFIX = "b-"
SECTION_PREFIX = "razdel-"
MARKER_TABLE = "bench_dataset"
CHUNK = 2000
SECTION_50 = 50  # the section the benchmark opens has exactly this many articles
ATTACHMENT_PATH = "bench/obrashchenie.pdf"
BENCH_MESSAGE_ID = "bench-"  # how the bench's e-mails' Message-IDs begin


@dataclass(frozen=True)
class Params:
    cases: int = 100_000
    articles: int = 5_000
    users: int = 2_000
    seed: int = 20261123
    years: float = 2.0
    # The day the data is dated from (ISO); "" = the day it is generated.
    today: str = ""

    def same_data(self, other: dict) -> bool:
        mine = asdict(self)
        if not self.today:
            mine.pop("today")
            other = {k: v for k, v in other.items() if k != "today"}
        return mine == other


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the marker ----------------------------------------------------------------------


def _marker_sql(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
        "(name varchar(32) PRIMARY KEY, value text NOT NULL)"
    )


def read_marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        _marker_sql(cursor)
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE name = %s", ["dataset"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(data: dict | None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        _marker_sql(cursor)
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE name = %s", ["dataset"])
        if data is not None:
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (name, value) VALUES (%s, %s)",
                ["dataset", json.dumps(data, ensure_ascii=False)],
            )


# --- entry point ---------------------------------------------------------------------


def generate(params: Params, *, regenerate: bool = False, log=print) -> dict:
    """Make the data set of `params` unless it is already there; returns the marker
    (params, counts, the objects the benchmark opens, timings, peak memory)."""
    from django.utils import timezone, translation

    marker = read_marker()
    if (
        marker
        and marker.get("complete")
        and not regenerate
        and params.same_data(marker.get("params", {}))
    ):
        log(f"bench data: already generated ({_sizes(marker['params'])}), nothing to do")
        return marker
    started = time.monotonic()
    timings: dict[str, float] = {}
    if marker is not None or regenerate:
        clear(log)
        timings["clear"] = round(time.monotonic() - started, 1)
    today = dt.date.fromisoformat(params.today) if params.today else timezone.localdate()
    write_marker({"params": asdict(params), "complete": False})
    log(f"bench data: generating {_sizes(asdict(params))}, seed {params.seed}, dated {today}")

    def stage(name, func, *args):
        begun = time.monotonic()
        result = func(*args)
        timings[name] = round(time.monotonic() - begun, 1)
        log(f"  {name}: {timings[name]:.1f} s (peak memory {peak_rss_mb():.0f} MB)")
        return result

    with translation.override("ru"):
        stage("base", _base)
        units = stage("units", make_units, params)
        roster = stage("users", make_users, params, units)
        kb = stage("kb", make_kb, params, units, roster, today)
        counts = stage("cases", CaseMaker(params, units, roster, today).run, log)
        stage("search documents", _search_documents)
        stage("analyze", _analyze)
    result = {
        "params": asdict(params),
        "complete": True,
        "today": today.isoformat(),
        "counts": {**counts, "articles": kb["articles"], "sections": kb["sections"]},
        "targets": {"section_50": kb["section_50"], "submitter": roster.submitter},
        "timings": timings,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    write_marker(result)
    log(
        f"bench data: done in {result['seconds']:.0f} s, peak memory {result['peak_rss_mb']} MB; "
        + ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    )
    return result


def _sizes(params: dict) -> str:
    return f"{params['cases']} cases, {params['articles']} articles, {params['users']} users"


def _base() -> None:
    """The demo organisation and knowledge base the generated data hangs on, and the
    topic routes of the cases demo."""
    from cases.demo import ROUTES
    from cases.models import TopicRoute
    from intranet import demo as intranet_demo
    from intranet.models import HomePage, Unit
    from kb import demo as kb_demo
    from kb.models import KnowledgeBaseIndexPage

    if not HomePage.objects.exists() or not Unit.objects.filter(short_name="ОДС").exists():
        intranet_demo.seed()
    if not KnowledgeBaseIndexPage.objects.exists():
        kb_demo.seed()
    for topic, short in ROUTES.items():
        TopicRoute.objects.get_or_create(
            topic=topic, defaults={"unit": Unit.objects.get(short_name=short)}
        )


def _search_documents() -> None:
    from search.documents import index_all_documents, sync_all

    sync_all()
    index_all_documents()


def _analyze() -> None:
    """Fresh planner statistics (PostgreSQL; VACUUM cannot run inside a transaction,
    e.g. in a test, where ANALYZE is enough)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def clear(log=print) -> None:
    """Delete what the generator made: every case of the database (with everything hung
    on cases, their search documents and the registration counters), the generated KB
    sections with their articles, users and units."""
    from django.db import connection, transaction
    from wagtail.models import Page

    from cases.models import Case, ExternalClient, RegistrationCounter
    from intranet.accounts.models import User
    from intranet.models import OutgoingMessage, Unit
    from kb.models import KnowledgeBaseSectionPage
    from search.models import CaseDocument

    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = [
                    Case._meta.db_table,
                    ExternalClient._meta.db_table,
                    RegistrationCounter._meta.db_table,
                    CaseDocument._meta.db_table,
                ]
                # Deferred foreign-key checks of rows written earlier in this transaction
                # (in a test) must run before TRUNCATE may.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            CaseDocument.objects.all().delete()
            Case.objects.all().delete()
            ExternalClient.objects.all().delete()
            RegistrationCounter.objects.all().delete()
        # Pages and users go without their delete signals (Wagtail unpublishes, logs and
        # re-indexes page by page otherwise: minutes for 5,000 articles); what those
        # signals would clean up is removed below.
        with quiet_deletes():
            for section in KnowledgeBaseSectionPage.objects.filter(slug__startswith=SECTION_PREFIX):
                Page.objects.filter(path__startswith=section.path).delete()
            User.objects.filter(username__startswith=USER_PREFIX).delete()
        _drop_stale_index_entries()
        for unit in Unit.objects.filter(short_name__in=[short for short, _name in texts.UNITS]):
            unit.delete()
        OutgoingMessage.objects.filter(message_id__startswith=f"<{BENCH_MESSAGE_ID}").delete()
        write_marker(None)
    log(f"bench data: previous data set deleted in {time.monotonic() - started:.0f} s")


@contextlib.contextmanager
def quiet_deletes():
    """Django's delete signals without receivers for the duration (bulk deletes then
    run as a few batched statements instead of one round of handlers per row)."""
    from django.db.models.signals import post_delete, pre_delete

    saved = [(signal, signal.receivers) for signal in (pre_delete, post_delete)]
    try:
        for signal, _receivers in saved:
            signal.receivers = []
            signal.sender_receivers_cache.clear()
        yield
    finally:
        for signal, receivers in saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def _drop_stale_index_entries() -> None:
    """Search index and reference index rows of pages that no longer exist."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex
    from wagtail.search.models import IndexEntry

    from kb.models import ArticlePage, KnowledgeBaseSectionPage

    pages = [str(pk) for pk in Page.objects.values_list("pk", flat=True)]
    for model in (ArticlePage, KnowledgeBaseSectionPage):
        IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).exclude(
            object_id__in=pages
        ).delete()
    ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    ).exclude(object_id__in=pages).delete()


# --- units and people ----------------------------------------------------------------


def make_units(params: Params) -> dict:
    """The generated units (under the department) and the demo units that answer cases."""
    from intranet import demo as intranet_demo
    from intranet.models import Unit

    rng = random.Random(f"{params.seed}-units")
    department = Unit.objects.get(short_name=intranet_demo.DEPARTMENT)
    count = min(len(texts.UNITS), max(2, params.users // 125))
    generated = []
    for order, (short, name) in enumerate(texts.UNITS[:count]):
        unit = Unit.objects.create(
            short_name=short,
            name=name,
            parent=department,
            sort_order=100 + order,
            phone=f"+7 (812) 576-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            email=f"spk{order + 1}@example.gov.ru",
            room=str(rng.randint(101, 540)),
        )
        generated.append(unit)
    # The department's own units that answer questions (ОДО is the registry).
    answering = list(Unit.objects.filter(short_name__in=["ОМП", "ОДС", "ОКИ"]).order_by("pk"))
    return {
        "department": department,
        "generated": generated,
        "answering": answering + generated,
        "registry": Unit.objects.filter(short_name="ОДО").first() or department,
    }


@dataclass
class Roster:
    heads: dict[int, int] = field(default_factory=dict)  # unit id -> user id
    editors: dict[int, int] = field(default_factory=dict)
    executors: dict[int, list[int]] = field(default_factory=dict)
    executor_weights: dict[int, list[float]] = field(default_factory=dict)
    registrars: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    client_weights: list[float] = field(default_factory=list)
    names: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)
    submitter: int | None = None


def make_users(params: Params, units: dict) -> Roster:
    """Bulk-created accounts with roles (groups), staff profiles and unit heads."""
    from django.contrib.auth.models import Group

    from intranet import directory, roles
    from intranet.accounts.models import User
    from intranet.models import StaffProfile, Unit

    rng = random.Random(f"{params.seed}-users")
    generated, answering = units["generated"], units["answering"]
    per_unit = max(1, min(10, params.users // 400))
    registrar_count = max(1, min(10, params.users // 250))
    staff_count = 2 * len(generated) + per_unit * len(answering) + registrar_count
    if params.users < staff_count + 5:
        raise SystemExit(f"--users must be at least {staff_count + 5} for this many units")
    # (role, unit, position) of each account, staff first.
    plan: list[tuple[str, object, str]] = []
    for unit in generated:
        plan.append(("head", unit, "Начальник сектора"))
        plan.append(("editor", unit, "Главный специалист"))
    staff_positions = ["Ведущий специалист", "Главный специалист", "Консультант"]
    for unit in answering:
        for k in range(per_unit):
            plan.append(("executor", unit, rng.choice(staff_positions) if k else "Консультант"))
    for _k in range(registrar_count):
        plan.append(("registrar", units["registry"], "Специалист первой категории"))
    while len(plan) < params.users:
        plan.append(("client", None, rng.choice(texts.POSITIONS_CLIENT)))

    people = []
    for i in range(len(plan)):
        last, first, middle, _female = texts.person(rng)
        username = f"{USER_PREFIX}{texts.translit(last)}-{i + 1:04d}"
        people.append(
            User(
                username=username,
                last_name=last,
                first_name=first,
                patronymic=middle,
                email=f"{username}@example.gov.ru",
                password="!bench",  # unusable: the benchmark signs in with sessions
            )
        )
    User.objects.bulk_create(people, batch_size=1000)
    if people[0].pk is None:  # a database without RETURNING
        by_name = dict(
            User.objects.filter(username__startswith=USER_PREFIX).values_list("username", "pk")
        )
        for user in people:
            user.pk = by_name[user.username]

    group = {g.name: g.pk for g in Group.objects.all()}
    role_groups = {
        "head": [roles.READERS, roles.HEADS, roles.EXECUTORS],
        "editor": [roles.READERS, roles.EDITORS, roles.EXECUTORS],
        "executor": [roles.READERS, roles.EXECUTORS],
        "registrar": [roles.READERS, roles.REGISTRARS],
        "client": [roles.READERS, roles.CLIENTS],
    }
    memberships, profiles = [], []
    roster = Roster()
    through = User.groups.through
    for user, (role, unit, position) in zip(people, plan, strict=True):
        names = [*role_groups[role]]
        ids = [group[name] for name in names if name in group]
        if role == "head":
            ids.append(unit.heads_group_id)
            roster.heads[unit.pk] = user.pk
        elif role == "editor":
            ids.append(unit.editors_group_id)
            roster.editors[unit.pk] = user.pk
        memberships += [through(user_id=user.pk, group_id=gid) for gid in ids if gid]
        if role in {"editor", "executor"}:
            roster.executors.setdefault(unit.pk, []).append(user.pk)
        elif role == "registrar":
            roster.registrars.append(user.pk)
        elif role == "client":
            roster.clients.append(user.pk)
            # A few frequent askers (personnel officers) send most of the questions.
            roster.client_weights.append(10.0 if rng.random() < 0.05 else 1.0)
        full = f"{user.last_name} {user.first_name} {user.patronymic}"
        roster.names[user.pk] = (user.last_name, user.first_name, user.patronymic)
        roster.emails[user.pk] = user.email
        room = "" if unit is None else str(rng.randint(101, 540))
        text = [full, user.username, position, room]
        phone = f"+7 (812) 576-{rng.randint(10, 99)}-{rng.randint(10, 99)}" if unit else ""
        if unit is not None:
            text += [unit.name, unit.short_name]
        profiles.append(
            StaffProfile(
                user_id=user.pk,
                unit_id=getattr(unit, "pk", None),
                position=position,
                room=room,
                phone=phone,
                work_email=user.email,
                show_in_directory=unit is not None,
                search_text=directory.directory_text(*text),
                phone_digits=directory.phone_digits(phone),
            )
        )
    through.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    StaffProfile.objects.bulk_create(profiles, batch_size=1000)
    # The last client sends nothing here: the submission benchmark posts as them and
    # deletes their cases afterwards.
    roster.client_weights[-1] = 0.0
    roster.submitter = roster.clients[-1]
    for unit_pk, user_pk in roster.heads.items():
        Unit.objects.filter(pk=unit_pk).update(head_id=user_pk)
    # The demo's executors work in their units too (their queues are realistic then).
    demo_executors = StaffProfile.objects.filter(
        unit__in=answering, user__groups__name=roles.EXECUTORS
    ).exclude(user__username__startswith=USER_PREFIX)
    for unit_pk, user_pk in demo_executors.order_by("user__username").values_list(
        "unit_id", "user_id"
    ):
        roster.executors.setdefault(unit_pk, []).append(user_pk)
    # The first executor of a unit carries three times the load of the others.
    for unit_pk, members in roster.executors.items():
        roster.executor_weights[unit_pk] = [3.0] + [1.0] * (len(members) - 1)
    for unit in answering:
        if unit.pk not in roster.heads and unit.head_id:
            roster.heads[unit.pk] = unit.head_id
    return roster


# --- knowledge base ------------------------------------------------------------------

ARTICLE_KINDS = [
    ("faq", 35),
    ("typical_answer", 15),
    ("instruction", 15),
    ("template", 10),
    ("procedure", 10),
    ("provision", 7),
    ("regulation", 5),
    ("admin_regulation", 3),
]


def section_sizes(rng, total: int, sections: int) -> list[int]:
    """The first section gets exactly SECTION_50 articles (when there are that many),
    the rest share the others unevenly."""
    first = min(SECTION_50, total)
    if sections == 1:
        return [total]
    rest = total - first
    weights = [rng.uniform(0.4, 1.6) for _ in range(sections - 1)]
    scale = rest / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[sizes.index(max(sizes))] += rest - sum(sizes)
    return [first, *sizes]


def make_kb(params: Params, units: dict, roster: Roster, today: dt.date) -> dict:
    """Sections (Wagtail's tree API: a few dozen) and their articles (bulk inserts of the
    page rows and the article rows, tree paths computed here), then the search index."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import Locale, Page

    from kb.models import (
        ArticlePage,
        KnowledgeBaseIndexPage,
        KnowledgeBaseSectionPage,
        LegalAct,
        Topic,
        next_answer_code,
    )

    rng = random.Random(f"{params.seed}-kb")
    total = params.articles
    if total <= 0:
        return {"articles": 0, "sections": 0, "section_50": None}
    index = KnowledgeBaseIndexPage.objects.first()
    topics = {t.slug: t.pk for t in Topic.objects.all()}
    acts = list(LegalAct.objects.order_by("pk").values_list("pk", flat=True))
    tags = [Tag.objects.get_or_create(name=name)[0].pk for name in texts.TAGS]
    owners = units["generated"]
    count = max(1, round(total / 80))
    sizes = section_sizes(rng, total, count)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    kinds, kind_weights = zip(*ARTICLE_KINDS, strict=True)
    code = int(next_answer_code().removeprefix("ТО-"))
    created_ids: list[int] = []
    section_50 = None
    page_fields = list(ArticlePage._meta.local_concrete_fields)

    def block_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    for number, size in enumerate(sizes):
        unit = owners[number % len(owners)]
        theme, topic_slug = texts.SECTION_THEMES[
            (number // len(owners)) % len(texts.SECTION_THEMES)
        ]
        genitive = unit.name.split("коррупции ", 1)[-1]
        with transaction.atomic():
            section = KnowledgeBaseSectionPage(
                title=f"{theme} — материалы {genitive}",
                slug=f"{SECTION_PREFIX}{number + 1:03d}",
                owner_unit=unit,
                intro=f"<p>{texts.escape(rng.choice(texts.domain_sentences()))}</p>",
            )
            index = KnowledgeBaseIndexPage.objects.get(pk=index.pk)
            index.add_child(instance=section)
            if number == 0:
                section_50 = section.pk
            editor = roster.editors.get(unit.pk)
            pages, articles = [], []
            for k in range(size):
                slug = f"statya-{len(created_ids) + k + 1:05d}"
                kind = rng.choices(kinds, kind_weights)[0]
                title = texts.article_title(rng, kind)[:250]
                published = timezone.make_aware(
                    dt.datetime.combine(
                        today - dt.timedelta(days=rng.randint(1, 1000)), dt.time(10)
                    )
                )
                reviewed = today - dt.timedelta(days=rng.randint(0, 500))
                flagged = rng.random() < 0.03
                common = {
                    "title": title,
                    "draft_title": title,
                    "slug": slug,
                    "content_type": content_type,
                    "live": True,
                    "has_unpublished_changes": False,
                    "url_path": f"{section.url_path}{slug}/",
                    "path": Page._get_path(section.path, section.depth + 1, k + 1),
                    "depth": section.depth + 1,
                    "numchild": 0,
                    "locale": locale,
                    "translation_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "first_published_at": published,
                    "last_published_at": published,
                    "latest_revision_created_at": published,
                    "owner_id": editor,
                }
                pages.append(Page(**common))
                answer_code, answer_text = None, ""
                if kind == "typical_answer":
                    answer_code = f"ТО-{code:03d}"
                    code += 1
                    answer_text = (
                        "Уважаемый(ая) {client_name}! На ваше обращение от {date} сообщаем: "
                        + rng.choice(texts.domain_sentences())
                    )
                article = ArticlePage(
                    **common,
                    kind=kind,
                    summary=" ".join(rng.sample(texts.domain_sentences(), 2))[:600],
                    body=texts.article_body(rng, block_id),
                    audience="public" if rng.random() < 0.1 else "internal",
                    owner_unit_id=unit.pk,
                    last_reviewed_on=reviewed,
                    review_interval_days=365,
                    next_review_due=reviewed + dt.timedelta(days=365),
                    needs_review=flagged,
                    review_reason="Изменилась редакция цитируемого акта." if flagged else "",
                    review_flagged_on=today if flagged else None,
                    answer_code=answer_code,
                    answer_text=answer_text,
                )
                article.body_text = article.plain_body()  # as save() would
                articles.append(article)
            Page.objects.bulk_create(pages, batch_size=500)
            for page, article in zip(pages, articles, strict=True):
                article.page_ptr_id = page.pk
            for begin in range(0, len(articles), 100):
                ArticlePage._base_manager._insert(articles[begin : begin + 100], fields=page_fields)
            Page.objects.filter(pk=section.pk).update(numchild=F("numchild") + size)
            ids = [page.pk for page in pages]
            _article_links(rng, ids, topics.get(topic_slug), acts, tags)
            created_ids += ids
    _index_pages(ArticlePage, created_ids)
    return {"articles": len(created_ids), "sections": len(sizes), "section_50": section_50}


def _article_links(rng, ids: list[int], topic_id, acts: list[int], tags: list[int]) -> None:
    """Topics, cited acts, tags and related articles (within the section) of new pages."""
    from kb.models import ArticlePage, ArticlePageTag, ArticleRelation

    topic_rows, act_rows, tag_rows, relations = [], [], [], []
    topic_through = ArticlePage.topics.through
    act_through = ArticlePage.legal_acts.through
    for pk in ids:
        if topic_id:
            topic_rows.append(topic_through(articlepage_id=pk, topic_id=topic_id))
        for act in rng.sample(acts, min(len(acts), rng.randint(0, 2))):
            act_rows.append(act_through(articlepage_id=pk, legalact_id=act))
        for tag in rng.sample(tags, rng.randint(1, 3)):
            tag_rows.append(ArticlePageTag(content_object_id=pk, tag_id=tag))
        others = [other for other in ids if other != pk]
        for order, target in enumerate(rng.sample(others, min(len(others), rng.randint(0, 3)))):
            relations.append(ArticleRelation(page_id=pk, target_id=target, sort_order=order))
    topic_through.objects.bulk_create(topic_rows, batch_size=1000)
    act_through.objects.bulk_create(act_rows, batch_size=1000)
    ArticlePageTag.objects.bulk_create(tag_rows, batch_size=1000)
    ArticleRelation.objects.bulk_create(relations, batch_size=1000)


def _index_pages(model, ids: list[int]) -> None:
    """Index new pages in bulk in every search backend (what Wagtail does per save)."""
    from modelsearch.backends import get_search_backends

    for backend in get_search_backends(with_auto_update=True):
        for begin in range(0, len(ids), 500):
            pages = model.objects.filter(pk__in=ids[begin : begin + 500]).prefetch_related(
                "topics", "tags"
            )
            backend.add_bulk(model, list(pages))


# --- cases ---------------------------------------------------------------------------


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


CHANNELS = [
    ("portal", 45),
    ("email", 15),
    ("post", 12),
    ("website", 8),
    ("feedback", 8),
    ("visit", 4),
    ("phone", 4),
    ("incident", 2),
    ("edms", 2),
]
INTERNAL_CHANNELS = {"portal", "email", "phone", "incident", "edms"}
TOPICS = [("declarations", 30), ("conflict", 25), ("prohibitions", 20), ("law", 15), ("sites", 10)]
# Outcomes of a case that runs its course; "stuck" ones stay open past their deadline.
OUTCOMES = [
    ("merits", 80),
    ("refusal", 5),
    ("link", 3),
    ("forwarded", 5),
    ("no_answer", 2),
    ("withdrawn", 2),
    ("stuck", 1),
]
ANSWER_KIND = {"merits": "merits", "refusal": "refusal", "link": "link", "no_answer": "no_answer"}


@dataclass
class Plan:
    """What happens to one case, decided before its row exists."""

    events: list[dict] = field(default_factory=list)
    answer: dict | None = None
    delivery: dict | None = None
    email: dict | None = None  # the e-mail's outbox message
    clarification: dict | None = None
    forwarding: dict | None = None
    rating: dict | None = None
    attachments: list[dict] = field(default_factory=list)
    co_executor: int | None = None


class CaseMaker:
    """Makes the cases in time order, CHUNK at a time: decide each case's history, insert
    the cases, then everything that hangs on them."""

    def __init__(self, params: Params, units: dict, roster: Roster, today: dt.date):
        from django.utils import timezone

        from intranet.workdays import get_calendar

        self.params = params
        self.rng = random.Random(f"{params.seed}-cases")
        self.roster = roster
        self.units = units
        self.tz = timezone.get_current_timezone()
        # A given date makes the data reproducible: "now" is its noon.
        if params.today:
            self.now = dt.datetime.combine(today, dt.time(12), tzinfo=self.tz)
        else:
            self.now = timezone.now()
        span = dt.timedelta(days=round(365 * params.years))
        self.start = self.now - span
        self.step = span / max(1, params.cases)
        self.calendar = get_calendar()
        self.counters: dict[tuple[str, int], int] = {}
        self.outgoing: dict[int, int] = {}
        self.memo: dict = {}
        self.counts = dict.fromkeys(
            ["cases", "events", "answers", "deliveries", "ratings", "attachments", "open"], 0
        )
        self.by_unit = {unit.pk: unit for unit in units["answering"]}
        self.unit_names = {unit.pk: unit.name for unit in units["answering"]}
        self.routes = self._routes()
        self.client_cum = list(itertools.accumulate(roster.client_weights))

    # -- helpers

    def _routes(self) -> dict[str, list[int]]:
        """Candidate units per topic: the department's unit for it, then every sector."""
        from cases.demo import ROUTES

        by_short = {unit.short_name: unit.pk for unit in self.units["answering"]}
        generated = [unit.pk for unit in self.units["generated"]]
        return {str(topic): [by_short[short], *generated] for topic, short in ROUTES.items()}

    def _registration_due(self, day: dt.date, regime: str, channel: str) -> dt.date:
        """The registration term depends on the channel too (8-FZ: oral the same day)."""
        from cases import deadlines

        key = ("register", day, regime, str(channel))
        if key not in self.memo:
            self.memo[key] = deadlines.registration_due(day, regime, self.calendar, channel=channel)
        return self.memo[key]

    def _due(self, kind: str, day: dt.date, regime: str) -> dt.date:
        from cases import deadlines

        key = (kind, day, regime)
        if key not in self.memo:
            func = {
                "register": deadlines.registration_due,
                "answer": deadlines.answer_due,
                "urgent": deadlines.urgent_target,
                "forward": deadlines.forward_due,
            }[kind]
            self.memo[key] = func(day, regime, self.calendar)
        return self.memo[key]

    def _local(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def _number(self, regime: str, year: int) -> str:
        from cases import deadlines

        if (regime, year) not in self.counters:
            self.counters[(regime, year)] = self._stored_counter(regime, year)
        self.counters[(regime, year)] += 1
        prefix = deadlines.rules_for(regime).prefix
        return f"{prefix}-{year}-{self.counters[(regime, year)]:06d}"

    def _outgoing(self, year: int) -> str:
        from django.conf import settings

        if year not in self.outgoing:
            self.outgoing[year] = self._stored_counter("outgoing", year)
        self.outgoing[year] += 1
        prefix = getattr(settings, "CASES_OUTGOING_PREFIX", "ИСХ")
        return f"{prefix}-{year}-{self.outgoing[year]:06d}"

    @staticmethod
    def _stored_counter(regime: str, year: int) -> int:
        from cases.models import RegistrationCounter

        row = RegistrationCounter.objects.filter(regime=regime, year=year).first()
        return row.last_number if row else 0

    def _save_counters(self) -> None:
        from cases.models import RegistrationCounter

        rows = [(r, y, n) for (r, y), n in self.counters.items()]
        rows += [("outgoing", y, n) for y, n in self.outgoing.items()]
        for regime, year, number in rows:
            RegistrationCounter.objects.update_or_create(
                regime=regime, year=year, defaults={"last_number": number}
            )

    def _external_pool(self) -> list[int]:
        from cases.models import ExternalClient

        rng = random.Random(f"{self.params.seed}-external")
        size = max(1, self.params.cases // 5)
        ids: list[int] = []
        for begin in range(0, size, CHUNK):
            batch = []
            for _k in range(begin, min(size, begin + CHUNK)):
                if rng.random() < 0.15:
                    name = f"ООО «{rng.choice(texts.SURNAMES)} и партнёры»"
                    kind = "organisation"
                else:
                    last, first, middle, _female = texts.person(rng)
                    name, kind = f"{last} {first} {middle}", "person"
                batch.append(
                    ExternalClient(
                        kind=kind,
                        name=name,
                        postal_address=f"г. Санкт-Петербург, ул. {rng.choice(texts.SURNAMES)}а, "
                        f"д. {rng.randint(1, 120)}, кв. {rng.randint(1, 300)}",
                        email=f"client{len(ids) + len(batch) + 1}@example.ru"
                        if rng.random() < 0.6
                        else "",
                        phone=f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-"
                        f"{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                    )
                )
            ExternalClient.objects.bulk_create(batch)
            if batch[0].pk is None:
                ids = list(ExternalClient.objects.order_by("pk").values_list("pk", flat=True))
            else:
                ids += [client.pk for client in batch]
        return ids

    # -- the run

    def run(self, log=print) -> dict:
        from django.db import transaction

        self.external = self._external_pool()
        started = time.monotonic()
        total = self.params.cases
        for begin in range(0, total, CHUNK):
            end = min(total, begin + CHUNK)
            with transaction.atomic():
                self._chunk(begin, end)
            if end % 20_000 == 0 or end == total:
                rate = end / max(0.001, time.monotonic() - started)
                log(f"    cases {end}/{total} ({rate:.0f}/s, peak memory {peak_rss_mb():.0f} MB)")
        self._save_counters()
        self._attachment_file()
        return self.counts

    def _attachment_file(self) -> None:
        """The one small PDF every generated attachment row points to."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        if not default_storage.exists(ATTACHMENT_PATH):
            default_storage.save(ATTACHMENT_PATH, ContentFile(pdf_bytes(20_000)))

    def _chunk(self, begin: int, end: int) -> None:
        from cases.models import (
            Answer,
            Attachment,
            Case,
            CaseEvent,
            Clarification,
            Delivery,
            Forwarding,
            Rating,
        )
        from intranet.models import OutgoingMessage

        made = [self.case(i) for i in range(begin, end)]
        Case.objects.bulk_create([case for case, _plan in made])
        answers, events, deliveries, clarifications, forwardings, ratings = [], [], [], [], [], []
        attachments, co_rows = [], []
        through = Case.co_executors.through
        for case, plan in made:
            events += [CaseEvent(case_id=case.pk, **event) for event in plan.events]
            if plan.answer:
                answers.append((Answer(case_id=case.pk, **plan.answer), plan))
            if plan.clarification:
                clarifications.append(Clarification(case_id=case.pk, **plan.clarification))
            if plan.forwarding:
                forwardings.append(Forwarding(case_id=case.pk, **plan.forwarding))
            if plan.rating:
                ratings.append(Rating(case_id=case.pk, **plan.rating))
            attachments += [Attachment(case_id=case.pk, **a) for a in plan.attachments]
            if plan.co_executor:
                co_rows.append(through(case_id=case.pk, user_id=plan.co_executor))
        Answer.objects.bulk_create([answer for answer, _plan in answers])
        emails = [plan.email for _answer, plan in answers if plan.delivery and plan.email]
        messages = iter(OutgoingMessage.objects.bulk_create(OutgoingMessage(**e) for e in emails))
        for answer, plan in answers:
            if plan.delivery:
                outgoing = next(messages) if plan.email else None
                deliveries.append(
                    Delivery(
                        case_id=answer.case_id,
                        answer_id=answer.pk,
                        outgoing=outgoing,
                        **plan.delivery,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        Delivery.objects.bulk_create(deliveries)
        Clarification.objects.bulk_create(clarifications)
        Forwarding.objects.bulk_create(forwardings)
        Rating.objects.bulk_create(ratings)
        Attachment.objects.bulk_create(attachments)
        through.objects.bulk_create(co_rows)
        self.counts["cases"] += len(made)
        self.counts["events"] += len(events)
        self.counts["answers"] += len(answers)
        self.counts["deliveries"] += len(deliveries)
        self.counts["ratings"] += len(ratings)
        self.counts["attachments"] += len(attachments)

    def case(self, i: int):
        """One case and its plan. Every random draw happens in a fixed order, so the same
        seed gives the same data."""
        from django.utils.translation import gettext as _

        from cases.choices import Channel, Regime, ReplyChannel, Status
        from cases.delivery import LETTER
        from cases.models import AnswerKind, Case, EventKind
        from cases.services import default_regime

        rng, roster, now = self.rng, self.roster, self.now
        received = self.start + self.step * (i + rng.random())
        if received.astimezone(self.tz).weekday() >= 5 and rng.random() < 0.7:
            received += dt.timedelta(days=7 - received.astimezone(self.tz).weekday())
            received = min(received, now - dt.timedelta(minutes=5))
        channel = _weighted(rng, CHANNELS)
        regime = default_regime(channel)
        if channel in {"post", "website"} and rng.random() < 0.1:
            regime = Regime.INFO_REQUEST
        internal = channel in INTERNAL_CHANNELS
        topic = _weighted(rng, TOPICS)
        if topic == "declarations" and received.month > 5 and rng.random() < 0.5:
            topic = _weighted(rng, TOPICS[1:])  # the declaration campaign ends on 30 April
        client_id = (
            rng.choices(roster.clients, cum_weights=self.client_cum)[0] if internal else None
        )
        external_id = None if internal else rng.choice(self.external)
        subject = texts.subject(rng, topic, external=not internal)[:255]
        text = texts.question_text(rng, topic, external=not internal)
        confidential = rng.random() < 0.03
        reply_channel, reply_contact = {
            "portal": ("portal", ""),
            "email": ("email", roster.emails.get(client_id, "")),
            "phone": ("portal", ""),
            "incident": ("portal", ""),
            "edms": ("portal", ""),
            "post": ("post", "г. Санкт-Петербург"),
            "visit": ("pickup", ""),
        }.get(channel, ("email", f"client{external_id}@example.ru"))
        received_day = self._local(received)
        registrar = rng.choice(roster.registrars)
        creator = client_id if channel == Channel.PORTAL else registrar
        plan = Plan()

        def event(kind, at, actor, message, status_from, status_to, visible=False, **extra):
            plan.events.append(
                {
                    "kind": kind,
                    "at": at,
                    "actor_id": actor,
                    "message": message,
                    "from_status": status_from,
                    "to_status": status_to,
                    "visible_to_client": visible,
                    "reason": extra.get("reason", ""),
                    "data": extra.get("data", {}),
                }
            )

        channel_label = str(Channel(channel).label)
        event(
            EventKind.RECEIVED,
            received,
            creator,
            _("Received through: %(channel)s.") % {"channel": channel_label},
            "",
            Status.RECEIVED,
            visible=True,
        )
        if rng.random() < 0.12:
            plan.attachments = [
                {
                    "file": ATTACHMENT_PATH,
                    "original_name": rng.choice(
                        ["Скан_обращения.pdf", "Копия_договора.pdf", "Справка.pdf", "Фото.pdf"]
                    ),
                    "content_type": "application/pdf",
                    "size": rng.randint(50_000, 3_000_000),
                    "uploaded_by_id": creator,
                }
                for _k in range(rng.randint(1, 2))
            ]

        fields = {
            "client_id": client_id,
            "external_client_id": external_id,
            "channel": channel,
            "received_at": received,
            "regime": regime,
            "subject": subject,
            "text": text,
            "topic": topic,
            "reply_channel": reply_channel,
            "reply_contact": reply_contact,
            "is_confidential": confidential,
            "created_by_id": creator,
            "registration_deadline": self._registration_due(received_day, regime, channel),
            "status": Status.RECEIVED,
        }
        # Draws that every case makes, whatever its state, keep the sequence stable.
        delay_days = 0 if channel == Channel.PORTAL else rng.choice([0, 0, 1, 1, 2])
        registered = received + dt.timedelta(days=delay_days, minutes=rng.randint(5, 300))
        urgent = rng.random() < 0.08
        decided = registered + dt.timedelta(hours=rng.uniform(0.5, 30))
        assigned = decided + dt.timedelta(hours=rng.uniform(0.5, 24))
        unit_id = rng.choice(self.routes[topic])
        executors = roster.executors.get(unit_id) or [None]
        weights = roster.executor_weights.get(unit_id) or [1.0]
        executor = rng.choices(executors, weights)[0]
        co_executor = rng.choice(executors) if rng.random() < 0.05 else None
        outcome = _weighted(rng, OUTCOMES)
        if outcome == "no_answer" and internal:
            outcome = "merits"
        clarify = rng.random() < 0.06
        extend = rng.random() < 0.03
        share = min(2.0, rng.lognormvariate(-0.6, 0.45))  # of the allowed days
        late = rng.random() < 0.07
        extra_days = rng.randint(1, 15)
        rating_roll, score = (
            rng.random(),
            _weighted(rng, [(1, 5), (2, 7), (3, 15), (4, 33), (5, 40)]),
        )
        read_roll = rng.random()
        fail_roll = rng.random()

        if registered > now:
            fields["due_date"] = fields["registration_deadline"]
            return Case(**fields), self._open(plan)
        registered_day = self._local(registered)
        number = self._number(regime, registered_day.year)
        statutory = self._due("answer", registered_day, regime)
        fields.update(
            registration_number=number,
            registration_year=registered_day.year,
            registration_sequence=int(number.rsplit("-", 1)[1]),
            registered_at=registered,
            registered_by_id=None if channel == Channel.PORTAL else registrar,
            statutory_deadline=statutory,
            due_date=statutory,
            status=Status.REGISTERED,
            urgency_suggested=urgent,
        )
        event(
            EventKind.REGISTERED,
            registered,
            fields["registered_by_id"],
            _("Registered under number %(number)s. Answer due by %(due)s.")
            % {"number": number, "due": f"{statutory:%d.%m.%Y}"},
            Status.RECEIVED,
            Status.REGISTERED,
            visible=True,
        )
        if decided > now:
            return Case(**fields), self._open(plan)
        head = roster.heads.get(unit_id) if unit_id else None
        fields.update(
            urgency="urgent" if urgent else "normal",
            urgency_decided_at=decided,
            urgency_decided_by_id=registrar,
            status=Status.TRIAGED,
        )
        if urgent:
            target = min(self._due("urgent", registered_day, regime), statutory)
            fields.update(target_deadline=target, due_date=target)
            message = _("Marked urgent: target date %(target)s (statutory %(due)s).") % {
                "target": f"{target:%d.%m.%Y}",
                "due": f"{statutory:%d.%m.%Y}",
            }
        else:
            message = _("Marked not urgent: deadline %(due)s.") % {"due": f"{statutory:%d.%m.%Y}"}
        event(
            EventKind.URGENCY,
            decided,
            registrar,
            message,
            Status.REGISTERED,
            Status.TRIAGED,
            data={"urgent": urgent},
        )
        if assigned > now or unit_id is None:
            return Case(**fields), self._open(plan)
        fields.update(
            unit_id=unit_id, executor_id=executor, assigned_at=assigned, status=Status.ASSIGNED
        )
        plan.co_executor = co_executor if co_executor != executor else None
        event(
            EventKind.ASSIGNED,
            assigned,
            registrar,
            _("Assigned to %(unit)s.") % {"unit": self.unit_names[unit_id]},
            Status.TRIAGED,
            Status.ASSIGNED,
            visible=True,
        )

        due = fields["due_date"]
        allowed = max(1, (due - registered_day).days)
        days = allowed * share + (allowed + extra_days - allowed * share if late else 0)
        if outcome == "withdrawn":
            at = assigned + dt.timedelta(days=days / 3)
            if at <= now:
                fields.update(status=Status.WITHDRAWN, closed_at=at)
                event(
                    EventKind.WITHDRAWN,
                    at,
                    client_id or creator,
                    _("Withdrawn by the client."),
                    Status.ASSIGNED,
                    Status.WITHDRAWN,
                    visible=True,
                )
                return Case(**fields), plan
            return Case(**fields), self._open(plan)
        if outcome == "forwarded":
            at = assigned + dt.timedelta(days=min(days, 5))
            if at <= now:
                body, contacts = rng.choice(texts.OTHER_BODIES)
                notice = self._due("forward", registered_day, regime)
                fields.update(status=Status.FORWARDED, closed_at=at)
                plan.forwarding = {
                    "body_name": body,
                    "body_contacts": contacts,
                    "covering_letter": f"Направляем по компетенции обращение № {number}.",
                    "forwarded_at": at,
                    "forwarded_by_id": executor or registrar,
                    "notice_due": notice,
                    "on_time": self._local(at) <= notice,
                }
                event(
                    EventKind.FORWARDED,
                    at,
                    executor,
                    _("Forwarded to %(body)s (%(contacts)s).")
                    % {"body": body, "contacts": contacts},
                    Status.ASSIGNED,
                    Status.FORWARDED,
                    visible=True,
                )
                return Case(**fields), plan
            return Case(**fields), self._open(plan)
        if outcome == "stuck":
            days = allowed + rng.randint(5, 200)  # still open, long overdue
        if extend and regime != Regime.FEEDBACK:
            at = assigned + dt.timedelta(days=days * 0.5)
            if at <= now and head:
                new_due = statutory + dt.timedelta(days=30)
                fields.update(
                    statutory_deadline=new_due,
                    target_deadline=None,
                    due_date=new_due,
                    extension_count=1,
                )
                event(
                    EventKind.EXTENDED,
                    at,
                    head,
                    _("Deadline extended by %(days)d days: from %(old)s to %(new)s.")
                    % {"days": 30, "old": f"{statutory:%d.%m.%Y}", "new": f"{new_due:%d.%m.%Y}"},
                    Status.ASSIGNED,
                    Status.ASSIGNED,
                    visible=True,
                    reason="Требуется запрос сведений в другом органе.",
                )
                days += 20
        if clarify:
            asked = assigned + dt.timedelta(days=days * 0.3)
            if asked <= now:
                question = rng.choice(texts.CLARIFICATION_QUESTIONS)
                replied = asked + dt.timedelta(days=rng.uniform(0.5, 6))
                plan.clarification = {
                    "question": question,
                    "asked_by_id": executor or registrar,
                    "asked_at": asked,
                    "status_before": Status.ASSIGNED,
                }
                event(
                    EventKind.CLARIFICATION,
                    asked,
                    executor,
                    question,
                    Status.ASSIGNED,
                    Status.CLARIFICATION,
                    visible=True,
                )
                if replied > now:
                    fields["status"] = Status.CLARIFICATION
                    return Case(**fields), self._open(plan)
                reply = rng.choice(texts.CLIENT_REPLIES)
                plan.clarification.update(reply=reply, replied_at=replied)
                event(
                    EventKind.CLIENT_REPLY,
                    replied,
                    client_id,
                    reply,
                    Status.CLARIFICATION,
                    Status.ASSIGNED,
                    visible=True,
                )
                days += (replied - asked).total_seconds() / 86400
        drafted = assigned + dt.timedelta(days=days * 0.7)
        submitted = assigned + dt.timedelta(days=days * 0.8)
        approved = assigned + dt.timedelta(days=days * 0.92)
        answered = assigned + dt.timedelta(days=days)
        if drafted > now:
            return Case(**fields), self._open(plan)
        kind = ANSWER_KIND.get(outcome, "merits")
        kind_label = str(AnswerKind(kind).label)
        _last, first, middle = roster.names.get(client_id, ("", "", ""))
        greeting = f"Уважаемый(ая) {first} {middle}".strip() if client_id else "Уважаемый заявитель"
        answer = {
            "kind": kind,
            "body": texts.answer_html(rng, kind, greeting, number, f"{received_day:%d.%m.%Y}"),
            "grounds": rng.choice(texts.REFUSAL_GROUNDS) if kind == "refusal" else "",
            "no_answer_ground": "anonymous" if kind == "no_answer" else "",
            "link_url": "/anticorruption/" if kind == "link" else "",
            "author_id": executor,
            "status": "draft",
        }
        plan.answer = answer
        event(
            EventKind.DRAFTED,
            drafted,
            executor,
            _("Answer drafted: %(kind)s.") % {"kind": kind_label},
            Status.ASSIGNED,
            Status.DRAFTED,
        )
        fields["status"] = Status.DRAFTED
        if submitted > now:
            return Case(**fields), self._open(plan)
        answer["status"] = "approval"
        fields["status"] = Status.APPROVAL
        event(
            EventKind.SUBMITTED,
            submitted,
            executor,
            _("Answer sent to the head for approval."),
            Status.DRAFTED,
            Status.APPROVAL,
        )
        if approved > now:
            return Case(**fields), self._open(plan)
        answer.update(status="approved", approved_by_id=head, approved_at=approved)
        fields["status"] = Status.DRAFTED
        event(
            EventKind.APPROVED,
            approved,
            head,
            _("Answer approved."),
            Status.APPROVAL,
            Status.DRAFTED,
        )
        if answered > now or outcome == "stuck":
            return Case(**fields), self._open(plan)
        answered_day = self._local(answered)
        outgoing = self._outgoing(answered_day.year)
        answer.update(
            status="registered",
            outgoing_number=outgoing,
            outgoing_date=answered_day,
            registered_at=answered,
            registered_by_id=executor,
        )
        final = Status.NO_ANSWER if kind == "no_answer" else Status.ANSWERED
        fields["status"] = final
        event(
            EventKind.ANSWER_REGISTERED,
            answered,
            executor,
            _("Answer registered: outgoing no. %(number)s of %(date)s (%(kind)s).")
            % {"number": outgoing, "date": f"{answered_day:%d.%m.%Y}", "kind": kind_label},
            Status.DRAFTED,
            final,
            visible=True,
            data={"number": outgoing},
        )
        if kind == "no_answer":
            fields["closed_at"] = answered
            return Case(**fields), plan
        hand = reply_channel in {"post", "pickup"}
        done = answered + (
            dt.timedelta(days=rng.uniform(1, 7))
            if hand
            else dt.timedelta(minutes=rng.randint(1, 600))
        )
        failed = reply_channel == "email" and fail_roll < 0.01
        plan.delivery = {
            "purpose": "answer",
            "channel": reply_channel,
            "contact": reply_contact,
            "subject": f"Ответ на обращение № {number}",
            "body": f"Ответ на ваше обращение № {number} от {received_day:%d.%m.%Y}.",
            "status": "failed" if failed else "queued",
            "created_at": answered,
        }
        if reply_channel == "email":
            # The e-mail's tries are the outbox's (intranet.outbox): its message is
            # written beside the delivery.
            plan.email = {
                "kind": LETTER,
                "recipient": reply_contact,
                "subject": plan.delivery["subject"],
                "body": plan.delivery["body"],
                "message_id": f"<{BENCH_MESSAGE_ID}{hashlib.sha1(number.encode()).hexdigest()}"
                "@bench.invalid>",
                "status": "failed" if failed else "queued",
                "attempts": 1 if failed else 0,
                "last_error": "550 Mailbox unavailable" if failed else "",
                "created_at": answered,
            }
        if failed or done > now:
            return Case(**fields), plan
        plan.delivery.update(
            {"status": "delivered", "delivered_at": done}
            if hand
            else {"status": "sent", "sent_at": done}
        )
        if plan.email:
            plan.email.update(status="sent", attempts=1, sent_at=done)
        message = (
            _("%(what)s delivered: %(channel)s %(contact)s.")
            if hand
            else _("%(what)s sent: %(channel)s %(contact)s.")
        ) % {
            "what": _("Answer"),
            "channel": str(ReplyChannel(reply_channel).label),
            "contact": reply_contact,
        }
        message += " " + _("The answer has reached the client on every channel: closed.")
        fields.update(status=Status.CLOSED, closed_at=done)
        event(EventKind.DELIVERY, done, None, message.strip(), final, Status.CLOSED, visible=True)
        if client_id and read_roll < 0.75:
            read = done + dt.timedelta(hours=rng.uniform(1, 72))
            if read <= now:
                answer["read_at"] = read
                event(
                    EventKind.READ,
                    read,
                    client_id,
                    _("The client read the answer."),
                    Status.CLOSED,
                    Status.CLOSED,
                    visible=True,
                )
        closed = done
        if client_id and kind != "no_answer" and rating_roll < 0.25:
            rated = closed + dt.timedelta(days=rng.uniform(0, 5))
            if rated <= now:
                comment = rng.choice(texts.RATING_COMMENTS)
                plan.rating = {
                    "unit_id": unit_id,
                    "executor_id": executor,
                    "score": score,
                    "comment": comment,
                    "rated_at": rated,
                }
                event(
                    EventKind.RATED,
                    rated,
                    client_id,
                    _("Rated %(score)d of 5.") % {"score": score},
                    Status.CLOSED,
                    Status.CLOSED,
                    visible=True,
                    reason=comment,
                )
        return Case(**fields), plan

    def _open(self, plan: Plan) -> Plan:
        self.counts["open"] += 1
        return plan


def pdf_bytes(size: int) -> bytes:
    """A file `size` bytes long that is recognised as a PDF (by its magic bytes)."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    tail = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    filler = (b"% benchmark attachment " * (size // 20 + 1))[: max(0, size - len(head) - len(tail))]
    return head + filler + tail


def fingerprint() -> str:
    """A digest of the generated content that does not depend on primary keys: equal for
    two runs with the same parameters, seed and date."""
    from cases.models import Case
    from kb.models import ArticlePage

    digest = hashlib.sha256()
    rows = Case.objects.order_by("received_at", "subject").values_list(
        "subject",
        "text",
        "channel",
        "regime",
        "topic",
        "status",
        "registration_number",
        "due_date",
        "unit__short_name",
        "executor__username",
        "client__username",
        "urgency",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        digest.update(repr(row).encode())
    for row in (
        ArticlePage.objects.filter(slug__startswith="statya-")
        .order_by("path")
        .values_list("title", "kind", "slug", "summary")
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Params()
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument("--articles", type=int, default=defaults.articles)
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--years", type=float, default=defaults.years, help="span of the cases")
    parser.add_argument("--today", default="", help="date the data is dated from (YYYY-MM-DD)")
    parser.add_argument("--regenerate", action="store_true", help="delete and make again")
    parser.add_argument("--database-url", help="default: DATABASE_URL or intranet_bench9")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args(argv)

    from bench import common

    url = common.configure(args.database_url)
    if not url.startswith("postgres"):
        sys.exit("bench/generate.py fills a PostgreSQL database: DATABASE_URL=postgres://...")
    common.ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    params = Params(
        cases=args.cases,
        articles=args.articles,
        users=args.users,
        seed=args.seed,
        years=args.years,
        today=args.today,
    )
    return generate(params, regenerate=args.regenerate)


if __name__ == "__main__":
    main()
