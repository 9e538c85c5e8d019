"""The demo KB built by seed_demo from the seeds."""

import pytest
from django.core.management import call_command

from kb.models import (
    ArticlePage,
    KnowledgeBaseIndexPage,
    KnowledgeBaseSectionPage,
    LegalAct,
    Topic,
)

pytestmark = pytest.mark.django_db


def test_demo_builds_the_knowledge_base(kb):
    index = kb["index"]
    assert index.title == "Противодействие коррупции"
    assert index.get_parent().specific_class.__name__ == "HomePage"
    owners = {s.slug: s.owner_unit.short_name for s in kb["sections"].values()}
    assert owners == {
        "law": "ОМП",
        "prohibitions": "ОМП",
        "declarations": "ОДС",
        "internet-sites": "ОДС",
        "conflict-of-interest": "ОКИ",
        "procedures": "ОМП",
    }
    assert Topic.objects.count() == 5
    live = ArticlePage.objects.live()
    assert live.filter(kind="faq").count() >= 5
    answers = live.filter(kind="typical_answer")
    assert answers.count() >= 3
    assert set(answers.values_list("answer_code", flat=True)) >= {"ТО-001", "ТО-002", "ТО-003"}
    assert all("{client_name}" in a.answer_text for a in answers)
    for article in live:
        assert article.owner_unit_id == article.get_parent().specific.owner_unit_id
        assert article.get_latest_revision() is not None
        assert article.last_published_at is not None


def test_seed_procedures_are_structured_articles(kb):
    procedures = ArticlePage.objects.filter(kind="procedure")
    assert procedures.count() == 2
    lo = procedures.get(slug="poryadok-lo-01-03-351")
    headings = [h["text"] for h in lo.table_of_contents()]
    assert headings[:2] == ["Термины и определения", "Общие требования"]
    assert "Консультационная линия" in headings and "База знаний" in headings
    html = "".join(str(block.render()) for block in lo.body)
    assert "<ul><li>применения законодательства Российской Федерации" in html
    assert "Суворовский пр-кт, д. 67" in html
    assert "ГАРАНТ" not in html
    spb = procedures.get(slug="poryadok-spb-kio-74-p")
    html = "".join(str(block.render()) for block in spb.body)
    assert "от 23.04.2024 N 74-п" in html and "<li>типовыми ответами" in html
    assert "активного слушания 1" not in html, "footnote markers dropped"
    assert spb.is_overdue, "the demo shows an overdue review"


def test_demo_amends_an_act_and_flags_the_citing_articles(kb):
    act = LegalAct.objects.get(number="460")
    assert act.status == LegalAct.Status.AMENDED
    flagged = ArticlePage.objects.filter(needs_review=True)
    assert set(flagged.values_list("slug", flat=True)) == set(
        ArticlePage.objects.filter(legal_acts=act).values_list("slug", flat=True)
    )
    assert flagged.count() >= 1
    assert all("N 460" in a.review_reason for a in flagged)
    for key in ("273-ФЗ", "230-ФЗ", "2867-р"):
        assert LegalAct.objects.filter(number=key).exists()


def test_seed_demo_is_idempotent(kb):
    counts = (
        KnowledgeBaseIndexPage.objects.count(),
        KnowledgeBaseSectionPage.objects.count(),
        ArticlePage.objects.count(),
        LegalAct.objects.count(),
        ArticlePage.objects.filter(needs_review=True).count(),
    )
    revisions = sum(a.revisions.count() for a in ArticlePage.objects.all())
    call_command("seed_demo", verbosity=0)
    assert counts == (
        KnowledgeBaseIndexPage.objects.count(),
        KnowledgeBaseSectionPage.objects.count(),
        ArticlePage.objects.count(),
        LegalAct.objects.count(),
        ArticlePage.objects.filter(needs_review=True).count(),
    )
    assert revisions == sum(a.revisions.count() for a in ArticlePage.objects.all())
