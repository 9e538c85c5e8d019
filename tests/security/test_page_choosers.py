"""The admin's page choosers and page search name only the pages the user may see
(kb.ownership.pages_visible_in_admin, kb.chooser, kb.wagtail_hooks).

Executors and registrars have admin access (to choose a KB article for an answer); the
chooser showed them the title, key and address of every page, also those restricted to
heads or to another unit's editors, and drafts. Four articles share a word: one
restricted to the heads' role group (ОДС section), one restricted to the ОКИ editors'
group (ОКИ section), a draft (ОКИ section) and an open one. For each role, the chooser's
search, its browse of the sections, a browse opened on each article, the «chosen» view
by key and the admin's page search show exactly what the role may see; the open article
is found by everyone, so the searches are real ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from intranet import roles
from tests.kb.conftest import kb  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

WORD = "Лазурный"
TITLES = {
    "heads": f"{WORD} порядок оценки деклараций руководителями",
    "oki_editors": f"{WORD} черновые критерии для редакторов ОКИ",
    "draft": f"{WORD} проект памятки о конфликте интересов",
    "open": f"{WORD} памятка для всех служащих",
}

# Who sees which: a page restricted to a group its members read, and the unit that
# owns a section works on all of its pages (drafts and restricted ones included).
SEES = {
    "executor": {"open"},
    "registrar": {"open"},
    "editor2": {"open", "oki_editors", "draft"},  # ОКИ editor, not a head
    "editor": {"open", "heads"},  # ОДС editor: edits the ОДС section
    "head": {"open", "heads"},  # ОДС head, in the heads' role group
    "head2": {"open", "heads", "oki_editors", "draft"},  # ОКИ head
}


def _article(section, key: str, live: bool = True):
    from kb.models import ArticlePage

    article = ArticlePage(title=TITLES[key], slug=f"chooser-{key}", summary="Памятка.",
                          last_reviewed_on=dt.date(2026, 1, 1), live=live)  # fmt: skip
    section.add_child(instance=article)
    return article


@pytest.fixture
def pages(kb):  # noqa: F811
    from intranet.models import Unit

    declarations = kb["sections"]["declarations"]  # ОДС
    conflict = kb["sections"]["conflict-of-interest"]  # ОКИ
    made = {
        "heads": _article(declarations, "heads"),
        "oki_editors": _article(conflict, "oki_editors"),
        "draft": _article(conflict, "draft", live=False),
        "open": _article(declarations, "open"),
    }
    for key, group in (
        ("heads", Group.objects.get(name=roles.HEADS)),
        ("oki_editors", Unit.objects.get(short_name="ОКИ").editors_group),
    ):
        restriction = PageViewRestriction.objects.create(
            page=made[key], restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(group)
    return made


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _shown(text: str) -> set[str]:
    return {key for key, title in TITLES.items() if title in text}


def test_the_rule_for_each_role(kb, pages):  # noqa: F811
    from kb.models import ArticlePage
    from kb.ownership import pages_visible_in_admin

    articles = ArticlePage.objects.filter(title__startswith=WORD)
    for who, expected in SEES.items():
        visible = pages_visible_in_admin(articles, kb["users"][who])
        assert {key for key, title in TITLES.items()
                if visible.filter(title=title).exists()} == expected, who  # fmt: skip


def _chooser(client, sections, pages) -> dict[str, set[str]]:
    """What the chooser's views show the signed-in user, view by view."""
    shown = {"search": _shown(_text(client.get("/admin/choose-page/search/", {"q": WORD})))}
    shown["browse"] = set()
    for section in ("declarations", "conflict-of-interest"):
        response = client.get(f"/admin/choose-page/{sections[section].pk}/")
        assert response.status_code == 200
        shown["browse"] |= _shown(_text(response))
    shown["opened"] = set()
    for key, page in pages.items():
        opened = client.get(f"/admin/choose-page/{page.pk}/")
        assert opened.status_code in (200, 404), key
        if opened.status_code == 200:
            shown["opened"] |= _shown(_text(opened))
    keys = [page.pk for page in pages.values()]
    chosen = client.get("/admin/choose-page/chosen-multiple/", {"id": keys})
    shown["chosen"] = _shown(_text(chosen))
    one_type = client.get("/admin/choose-page/", {"page_type": "kb.articlepage"})
    shown["page type"] = _shown(_text(one_type))
    return shown


def test_an_executor_finds_no_restricted_page_in_the_chooser(client, kb, pages):  # noqa: F811
    client.force_login(kb["users"]["executor"])
    for view, shown in _chooser(client, kb["sections"], pages).items():
        assert shown <= {"open"}, view
    assert _shown(_text(client.get("/admin/choose-page/search/", {"q": WORD}))) == {"open"}
    admin_search = client.get("/admin/pages/search/", {"q": WORD})  # no page rights
    assert admin_search.status_code in (302, 403) and not _shown(_text(admin_search))


def test_a_head_finds_the_heads_only_page_and_not_another_units(client, kb, pages):  # noqa: F811
    client.force_login(kb["users"]["head"])  # ОДС
    shown = _chooser(client, kb["sections"], pages)
    for view in ("search", "browse", "opened", "chosen"):
        assert shown[view] == {"open", "heads"}, view
    # The admin's page search: the ОКИ editors' page and the ОКИ draft stay hidden.
    admin_search = client.get("/admin/pages/search/", {"q": WORD})
    assert admin_search.status_code == 200
    assert _shown(_text(admin_search)) == {"open", "heads"}
