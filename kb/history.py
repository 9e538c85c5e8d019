"""The readers' history of an article's changes: one edition (ArticleEdition) per
publication, with the editor's note on what changed.

The note is the article's field `change_note`, written in the edit form and saved with
the revision, so it travels through the unit's workflow with the text it describes: the
head approves the note with the revision. Publishing the revision (page_published,
kb.signals) copies it into an edition. The note is optional: an empty one reads
«Редакционные правки» («Первая публикация» for the first publication). Drafts,
revisions sent for approval and rejected ones make no edition, so readers never see
them. Once a revision is published its note is history: the live row's note is emptied,
so the next version opens with an empty one."""

from __future__ import annotations

from django.utils import timezone
from wagtail.log_actions import get_active_log_context

from .models import ArticleEdition, ArticlePage


def publisher_of(revision):
    """Who published `revision`: the person acting in the admin (Wagtail's log context:
    the head approving, the editor or head publishing), else the revision's author."""
    return get_active_log_context().user or getattr(revision, "user", None)


def record_publication(article: ArticlePage, revision, *, user=None) -> ArticleEdition | None:
    """The edition of `article` that publishing `revision` makes (one per revision: a
    revision published again moves its date). None when nothing was published now (a
    revision scheduled for later: its edition is made when it goes live)."""
    if revision is None or not article.live or article.live_revision_id != revision.pk:
        return None
    content = revision.content or {}
    note = " ".join(str(content.get("change_note") or "").split())[:300]
    # Wagtail sets both dates to the same moment on the first publication only.
    first = bool(article.first_published_at) and (
        article.first_published_at == article.last_published_at
    )
    edition, _created = ArticleEdition.objects.update_or_create(
        revision=revision,
        defaults={
            "article": article,
            "published_at": article.last_published_at or timezone.now(),
            "published_by": user if user is not None else publisher_of(revision),
            "note": note,
            "first": first,
        },
    )
    # The note is history now: the next version opens with an empty one (the edit form
    # shows the live row while there is no newer draft).
    if article.change_note:
        ArticlePage.objects.filter(pk=article.pk).update(change_note="")
        article.change_note = ""
    return edition


def editions_of(article: ArticlePage) -> list[ArticleEdition]:
    """The article's history for readers, newest first."""
    return list(article.editions.only("published_at", "note", "first").order_by("-published_at"))
