"""Smoke test of the benchmark data generator (bench/generate.py) at a tiny size: it
fills the test database, the counts add up, a second run does nothing, a regeneration
with the same seed and date gives the same data, and the pages the benchmark opens are
served. No timings here: the benchmark itself is `make bench`."""

from __future__ import annotations

import pytest
from django.db.models import Count, Max

from bench.generate import SECTION_50, USER_PREFIX, Params, fingerprint, generate

PARAMS = Params(cases=60, articles=120, users=20, seed=7, today="2026-06-01")

pytestmark = pytest.mark.django_db


def quiet(*_args):
    pass


def test_generate_counts_idempotence_determinism_and_pages(client):
    from cases.choices import FINAL_STATUSES
    from cases.models import Answer, Case, CaseEvent, RegistrationCounter
    from intranet.accounts.models import User
    from kb.models import ArticlePage, KnowledgeBaseSectionPage
    from search.models import CaseDocument

    marker = generate(PARAMS, log=quiet)
    counts = marker["counts"]
    assert Case.objects.count() == counts["cases"] == PARAMS.cases
    assert CaseDocument.objects.count() == PARAMS.cases
    assert CaseEvent.objects.count() == counts["events"] > 3 * PARAMS.cases
    assert Answer.objects.count() == counts["answers"] > 0
    assert User.objects.filter(username__startswith=USER_PREFIX).count() == PARAMS.users
    assert ArticlePage.objects.filter(slug__startswith="statya-").count() == PARAMS.articles
    section = KnowledgeBaseSectionPage.objects.get(pk=marker["targets"]["section_50"])
    assert section.get_children().count() == section.numchild == SECTION_50

    # Every state of the desk is there, with consistent numbers and deadlines.
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"closed", "forwarded"} <= statuses
    assert statuses - set(FINAL_STATUSES), "some cases are open"
    registered = Case.objects.exclude(registration_number=None)
    assert registered.filter(due_date=None).count() == 0
    for counter in RegistrationCounter.objects.exclude(regime="outgoing"):
        top = registered.filter(regime=counter.regime, registration_year=counter.year).aggregate(
            top=Max("registration_sequence")
        )["top"]
        assert counter.last_number == top
    assert not Case.objects.filter(client_id=marker["targets"]["submitter"]).exists()
    assert (
        Case.objects.values("registration_number")
        .exclude(registration_number=None)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
        == 0
    )

    # Same parameters: nothing to do.
    assert generate(PARAMS, log=quiet)["counts"] == counts
    assert Case.objects.count() == PARAMS.cases

    # A regeneration with the same seed and date makes the same data.
    first = fingerprint()
    generate(PARAMS, regenerate=True, log=quiet)
    assert fingerprint() == first
    assert Case.objects.count() == PARAMS.cases

    # The pages the benchmark opens are served (bulk-inserted pages are routable).
    from bench.generate import read_marker
    from bench.run import pick

    who = pick(read_marker())
    client.force_login(who["client"])
    assert client.get(who["article_urls"][0]).status_code == 200
    assert client.get(who["section"].get_url()).status_code == 200
    assert client.get("/cases/mine/").status_code == 200
    client.force_login(who["executor"])
    assert client.get("/cases/?queue=mine&sort=due_date").status_code == 200
    assert client.get(f"/cases/{who['case_ids'][0]}/").status_code == 200
