"""Fixtures of the knowledge-base tests: the demo KB (built by seed_demo through the
`demo` fixture) and small factories for articles."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

_counter = itertools.count(1)


@pytest.fixture
def kb(demo):
    """The demo KB: {"index", "sections": {slug: section}, "users": {username: user}}."""
    from kb.models import KnowledgeBaseIndexPage, KnowledgeBaseSectionPage

    index = KnowledgeBaseIndexPage.objects.get()
    sections = {s.slug: s for s in KnowledgeBaseSectionPage.objects.child_of(index)}
    return {"index": index, "sections": sections, "users": demo}


@pytest.fixture
def make_article():
    """Create and publish an article under a section; keyword fields override defaults."""
    from kb.demo import publish_article

    def _make(section, **fields):
        n = next(_counter)
        fields.setdefault("title", f"Тестовая статья {n}")
        fields.setdefault("slug", f"test-article-{n}")
        fields.setdefault("summary", "Краткое содержание")
        fields.setdefault("body", [("paragraph", "<p>Текст статьи</p>")])
        fields.setdefault("last_reviewed_on", timezone.localdate() - dt.timedelta(days=10))
        return publish_article(section, **fields)

    return _make
