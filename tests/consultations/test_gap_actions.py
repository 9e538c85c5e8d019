"""The gaps page, the "create an FAQ article" action and the weekly digest, on the demo
organisation and KB (the `demo` fixture runs seed_demo)."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.consultations import gaps
from cases.consultations.digest import send_gap_digests
from cases.consultations.models import Consultation, GapNotice
from cases.topics import Topic

pytestmark = pytest.mark.django_db

ODS_QUESTION = "Как указать в справке криптовалютный кошелёк, открытый за рубежом?"
OKI_QUESTION = "Можно ли совмещать службу с оплачиваемым преподаванием по совместительству?"


def _ask(demo, topic, text, times=3):
    for n in range(times):
        Consultation.objects.create(
            topic=topic, question=f"{text} (звонок {n})", outcome="answered", answer="Ответ",
            duration_minutes=5, recorded_by=demo["executor"], channel="phone",
        )  # fmt: skip


def _gap(unit_short, text):
    return next(g for g in gaps.find_gaps() if g.sample.startswith(text) and g.unit_id is not None)


@pytest.fixture
def asked(demo):
    _ask(demo, Topic.DECLARATIONS, ODS_QUESTION)
    _ask(demo, Topic.CONFLICT_OF_INTEREST, OKI_QUESTION)
    return demo


def test_gaps_page_shows_only_the_editors_units(client, asked):
    client.force_login(asked["editor"])  # edits ОДС
    page = client.get(reverse("gaps:list")).content.decode()
    assert "криптовалютный кошелёк" in page
    assert "преподаванием" not in page  # ОКИ's gap
    assert "Создать статью «Вопрос-ответ»" in page and "3 вопроса" in page


@pytest.mark.parametrize("username", ["client", "executor", "registrar"])
def test_gaps_page_refused_to_non_editors(client, asked, username):
    if username not in asked:
        pytest.skip("no such demo user")
    client.force_login(asked[username])
    assert client.get(reverse("gaps:list")).status_code == 403


def test_create_faq_draft_in_the_units_section(client, asked):
    from kb.models import ArticlePage

    gap = _gap("ОДС", ODS_QUESTION)
    client.force_login(asked["editor"])
    response = client.post(reverse("gaps:faq", args=[gap.unit_id, gap.key]))
    assert response.status_code == 302
    page = ArticlePage.objects.get(title=gap.sample[:250])
    assert page.live is False
    assert page.kind == ArticlePage.Kind.FAQ
    assert page.get_parent().specific.owner_unit_id == gap.unit_id
    assert page.owner_unit_id == gap.unit_id


def test_create_faq_draft_refused_for_an_editor_of_another_unit(client, asked):
    from kb.models import ArticlePage

    gap = _gap("ОДС", ODS_QUESTION)
    client.force_login(asked["editor2"])  # edits ОКИ
    response = client.post(reverse("gaps:faq", args=[gap.unit_id, gap.key]))
    assert response.status_code == 403
    assert not ArticlePage.objects.filter(title=gap.sample[:250]).exists()


def test_weekly_digest_each_unit_its_own_gaps_and_once(asked, django_capture_on_commit_callbacks):
    from intranet.models import Unit

    ods = Unit.objects.get(short_name="ОДС")
    oki = Unit.objects.get(short_name="ОКИ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_gap_digests() >= 2
    ods_letters = [m for m in mail.outbox if asked["editor"].email in m.to]
    oki_letters = [m for m in mail.outbox if asked["editor2"].email in m.to]
    assert len(ods_letters) == 1 and len(oki_letters) == 1
    assert "криптовалютный" in ods_letters[0].body and "преподаванием" not in ods_letters[0].body
    assert "преподаванием" in oki_letters[0].body and "криптовалютный" not in oki_letters[0].body
    assert (
        GapNotice.objects.filter(unit=ods).exists() and GapNotice.objects.filter(unit=oki).exists()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_gap_digests() == 0  # sent once
    assert mail.outbox == []


def test_digest_is_on_the_beat_schedule():
    from cases.consultations.tasks import GAP_DIGEST_TASK
    from intranet.celery import app

    app.loader.import_default_modules()
    app.finalize()
    assert GAP_DIGEST_TASK in {entry["task"] for entry in app.conf.beat_schedule.values()}


def test_demo_shows_at_least_one_gap(demo):
    assert any(g.topic == Topic.DECLARATIONS for g in gaps.find_gaps())


def test_gaps_page_query_count_is_bounded(client, asked, django_assert_max_num_queries):
    client.force_login(asked["editor"])
    client.get(reverse("gaps:list"))  # warm caches (session, permissions)
    _ask(asked, Topic.DECLARATIONS, "Как подать уточнённую справку после срока?", times=6)
    _ask(asked, Topic.INTERNET_SITES, "Какие страницы в соцсетях указывать в анкете?", times=6)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("gaps:list"))
    assert response.status_code == 200
