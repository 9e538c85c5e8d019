"""BASE_URL is the one address of every absolute link (intranet.links): the e-mails, the
print footers, the API's html_url and detail_url, the editors' links to the admin; the
Wagtail Site takes its hostname and port on every `migrate` and in seed_demo; `make run`
passes the address it serves."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from intranet import links
from tests.cases.conftest import moscow
from tests.cases.factories import CaseFactory
from tests.reception.conftest import msk
from tests.test_settings_env import PROD, ROOT, run_settings

ADDRESS = "https://intranet.example.gov:8443"


def _booking(client, starts: dt.datetime, **fields):
    from cases.reception.models import Booking
    from intranet.models import ReceptionPointPage

    return Booking.objects.create(
        point=ReceptionPointPage.objects.get(), client=client, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30), topic="declarations",
        question="Как заполнить справку?", reminder_channel="email",
        reminder_contact=client.email, **fields,
    )  # fmt: skip


@pytest.fixture
def address(db, settings):
    """The portal served at ADDRESS: both settings are BASE_URL (see the probe below),
    and the Site follows it as every `migrate` makes it."""
    settings.WAGTAILADMIN_BASE_URL = ADDRESS
    settings.WAGTAILAPI_BASE_URL = ADDRESS
    links.sync_site()
    return ADDRESS


def test_absolute_links_are_made_of_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = ADDRESS + "/"
    assert links.absolute("/cases/12/") == f"{ADDRESS}/cases/12/"
    assert links.absolute("cases/12/") == f"{ADDRESS}/cases/12/"
    assert links.absolute("http://elsewhere.example/x") == "http://elsewhere.example/x"
    assert links.site_address() == ("intranet.example.gov", 8443)
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8101"
    assert links.site_address() == ("127.0.0.1", 8101)


def test_base_url_sets_the_admins_and_the_apis_address():
    code = (
        "import json; from django.conf import settings; print(json.dumps("
        "[settings.WAGTAILADMIN_BASE_URL, settings.WAGTAILAPI_BASE_URL]))"
    )
    given = run_settings("production", code, BASE_URL=ADDRESS + "/", **PROD)
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip().splitlines()[-1] == f'["{ADDRESS}", "{ADDRESS}"]'
    default = run_settings("dev", code)
    assert (
        default.stdout.strip().splitlines()[-1]
        == '["http://127.0.0.1:8000", "http://127.0.0.1:8000"]'
    )


# --- the Wagtail Site ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "base_url,hostname,port,root_url",
    [
        (ADDRESS, "intranet.example.gov", 8443, ADDRESS),
        (
            "https://intranet.example.gov",
            "intranet.example.gov",
            443,
            "https://intranet.example.gov",
        ),
        ("http://127.0.0.1:8101/", "127.0.0.1", 8101, "http://127.0.0.1:8101"),
    ],
)
def test_migrate_gives_the_site_the_address_of_base_url(
    org, settings, base_url, hostname, port, root_url
):
    from intranet.models import HomePage

    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.WAGTAILADMIN_BASE_URL = base_url
    call_command("migrate", verbosity=0, skip_checks=True)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == (hostname, port)
    assert HomePage.objects.get().full_url == root_url + "/"


@pytest.mark.django_db
def test_seed_demo_gives_the_site_the_address_of_base_url(org, settings):
    from intranet import demo

    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.WAGTAILADMIN_BASE_URL = ADDRESS
    demo.seed()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("intranet.example.gov", 8443)


# --- the API ---------------------------------------------------------------------------


def test_api_html_url_and_detail_url(demo, address):
    from kb.models import ArticlePage

    items = Client().get("/api/v2/kb/").json()["items"]
    assert items
    for item in items:
        page = ArticlePage.objects.get(pk=item["id"])
        assert item["meta"]["html_url"] == f"{ADDRESS}{page.url}"
        assert item["meta"]["detail_url"] == f"{ADDRESS}/api/v2/kb/{page.pk}/"


# --- the print footers -----------------------------------------------------------------


def test_the_articles_print_version_names_its_address(client, demo, address):
    from kb.models import ArticlePage

    article = ArticlePage.objects.live().filter(audience="public").first()
    client.force_login(demo["reader"])
    printed = client.get(article.url, {"print": "1"}).content.decode()
    assert f'<p class="muted print-source">{ADDRESS}{article.url}</p>' in printed


def test_the_days_list_print_names_its_address(client, org, address):
    booking = _booking(org.client, msk(2026, 12, 1, 9, 30))
    client.force_login(org.registrar)
    query = {"point": booking.point_id, "day": "2026-12-01"}
    printed = client.get(reverse("reception:day_print"), query).content.decode()
    assert f"{ADDRESS}/cases/reception/day/?point={booking.point_id}&amp;day=2026-12-01" in printed


def test_the_printed_answer_and_its_email_give_the_portals_address(
    client, org, django_capture_on_commit_callbacks, address
):
    from cases import services
    from cases.choices import ReplyChannel
    from cases.models import AnswerKind, Delivery, UnitCaseSettings

    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = CaseFactory(state="assigned", reply_channel=ReplyChannel.EMAIL,
                       reply_contact="client@example.gov.ru",
                       extra_reply_channel=ReplyChannel.POST,
                       extra_reply_contact="СПб, Суворовский пр., 67",
                       at=moscow(2026, 3, 2, 10))  # fmt: skip
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, org.executor)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_answer(case, org.executor)
    portal = f"Ответ также есть на портале: {ADDRESS}{case.get_client_url()}"
    [letter] = mail.outbox
    assert portal in letter.body
    post = Delivery.objects.get(case=case, channel="post")
    client.force_login(org.registrar)
    printed = client.get(reverse("cases:delivery_print", args=[case.pk, post.pk]))
    assert portal in printed.content.decode()


# --- the e-mails -----------------------------------------------------------------------


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """The outbox sends what the block queued (once its transaction commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_reception_reminder_links_to_the_address(org, address, sent):
    from cases.reception.tasks import send_reminders

    _booking(org.client, msk(2026, 12, 1, 9))
    with sent():
        send_reminders("2026-11-30")
    [letter] = mail.outbox
    assert f"{ADDRESS}/cases/reception/mine/" in letter.body


def test_the_deadline_digest_links_to_the_address(org, address, sent):
    from cases.tasks import send_deadline_digest

    case = CaseFactory(state="assigned", at=moscow(2026, 3, 2, 10))
    with sent():
        send_deadline_digest("2026-03-30")
    to_executor = next(m for m in mail.outbox if m.to == [org.executor.email])
    assert f"{ADDRESS}/cases/{case.pk}/" in to_executor.body


def test_the_kb_review_digest_links_to_the_admin_at_the_address(demo, address, sent):
    from kb.models import ArticlePage
    from kb.services import send_review_digests

    flagged = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    with sent():
        send_review_digests(timezone.localdate())
    to_editor = next(m for m in mail.outbox if demo["editor"].email in m.to)
    assert f"{ADDRESS}/admin/pages/{flagged.pk}/edit/" in to_editor.body


def test_the_gap_digest_links_to_the_address(demo, address, sent):
    from cases.consultations.digest import send_gap_digests
    from cases.consultations.models import Consultation
    from cases.topics import Topic

    for n in range(3):
        Consultation.objects.create(
            topic=Topic.DECLARATIONS, outcome="answered", answer="Ответ", duration_minutes=5,
            question=f"Как указать в справке криптовалютный кошелёк? (звонок {n})",
            recorded_by=demo["executor"], channel="phone",
        )  # fmt: skip
    with sent():
        send_gap_digests()
    to_editor = next(m for m in mail.outbox if demo["editor"].email in m.to)
    assert to_editor.body.rstrip().endswith(f"{ADDRESS}/cases/gaps/")


# --- make run --------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_the_address_it_serves():
    # Nothing of the caller's make or shell: a parent `make test PORT=…` passes its
    # variables on in MAKEFLAGS, and some shells export HOST.
    dropped = {"BASE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}

    def commands(*args, **extra):
        done = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env={**env, **extra},
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if "manage.py" in line]

    served = commands("PORT=8101")
    assert [line.split("manage.py ")[1].split()[0] for line in served] == [
        "migrate", "seed_demo", "runserver",
    ]  # fmt: skip
    assert all(line.startswith("BASE_URL='http://127.0.0.1:8101' ") for line in served)
    assert served[-1].endswith("runserver 127.0.0.1:8101")
    given = commands("PORT=8101", BASE_URL="https://intranet.example.gov.ru")
    assert all(line.startswith("BASE_URL='https://intranet.example.gov.ru' ") for line in given)
