"""Attachments follow approval (docs/knowledge_base.md, «Вложения статей»).

A document that a live page uses (an attachment of a published article, a document block
or a document link in its text) is part of what the unit's head approved, so:

- its file and its title are not changed in place (kb.document_forms refuses it, for
  every user, administrators included): a new version is uploaded as a new document into
  the article's draft and reaches readers when the head approves the revision;
- readers download only what live content they may read uses (`may_download`); the
  people who work with documents in the admin (editors, heads, administrators) also get
  drafts' files, to check them before approval;
- a document a page's draft uses (a new version waiting for the head's approval) cannot
  be deleted either, by anyone, one at a time or in bulk: the deletion is refused with a
  message naming the draft (`refuse_deleting_a_drafts_document`), so the approval never
  publishes an attachment that is gone;
- a document nothing uses (no row, no reference, no revision of any page, live, draft or
  older) is deleted by a daily task once it is older than a grace period
  (`KB_ORPHAN_DOCUMENT_GRACE_DAYS`, 7 days by default): an abandoned upload.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_ORPHAN_GRACE_DAYS = 7

# A document link in rich text as Wagtail stores it: <a linktype="document" id="12">
# (either attribute first).
DOCUMENT_LINK = re.compile(
    r"""<a\b(?=[^>]*\blinktype=["']document["'])[^>]*\bid=["'](\d+)["']""", re.IGNORECASE
)


# ------------------------------------------------------------------ live use


def _page_content_type():
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    return ContentType.objects.get_for_model(Page)


def _referencing_page_ids(document) -> set[int]:
    """The pages whose stored rows use `document`: attachment rows and references
    (body blocks, rich-text links) of the page row, which for a live page is the
    published version (drafts live in revisions)."""
    from wagtail.models import ReferenceIndex

    from .models import ArticleAttachment

    ids = set(ArticleAttachment.objects.filter(document=document).values_list("page_id", flat=True))
    references = ReferenceIndex.get_references_to(document).filter(
        base_content_type=_page_content_type()
    )
    ids.update(int(pk) for pk in references.values_list("object_id", flat=True))
    return ids


def live_pages_using(document):
    """The live pages whose published content uses `document`."""
    from wagtail.models import Page

    return Page.objects.live().filter(pk__in=_referencing_page_ids(document)).order_by("path")


def live_page_using(document):
    """The first live page using `document` (None: no live page uses it)."""
    if document.pk is None:
        return None
    return live_pages_using(document).first()


def _used_outside_pages(document) -> bool:
    """True when something other than a page references `document` (a snippet, a
    setting): such uses have no draft and follow their own permissions."""
    from wagtail.models import ReferenceIndex

    return (
        ReferenceIndex.get_references_to(document)
        .exclude(base_content_type=_page_content_type())
        .exists()
    )


# ------------------------------------------------------------------ drafts


class DocumentInDraft(Exception):
    """A document a page's unpublished draft uses was to be deleted (refused; shown to
    the admin's user by `kb.middleware.DocumentInDraftMiddleware`)."""


def draft_pages_using(document) -> list:
    """The pages whose draft (changes not yet published, or never published) uses
    `document` in its latest revision: an attachment, a document block, a link."""
    from wagtail.models import Page

    if document.pk is None:
        return []
    drafts = (
        Page.objects.filter(has_unpublished_changes=True, latest_revision__isnull=False)
        .select_related("latest_revision")
        .only("pk", "title", "path", "latest_revision__content")
        .order_by("path")
    )
    using = []
    for page in drafts:
        found: set[int] = set()
        _collect_document_ids(page.latest_revision.content, found)
        if document.pk in found:
            using.append(page)
    return using


def refuse_deleting_a_drafts_document(document) -> None:
    """Raise `DocumentInDraft` (its message names the draft) when a draft uses `document`.
    Called before every deletion of a document (`kb.signals`): the admin's delete view,
    its bulk action, code."""
    pages = draft_pages_using(document)
    if not pages:
        return
    raise DocumentInDraft(
        _(
            "The document «%(document)s» cannot be deleted: the draft of «%(page)s», "
            "not yet published, uses it. Remove it from the draft first."
        )
        % {"document": document.title, "page": pages[0].title}
    )


# ------------------------------------------------------------------ downloads


def works_with_documents(user) -> bool:
    """Editors, heads and administrators: they choose, upload or change documents in
    the admin, and check a draft's attachments before it is approved."""
    from wagtail.documents import get_permission_policy

    if user.is_superuser:
        return True
    return get_permission_policy().user_has_any_permission(user, ["add", "change", "choose"])


def may_download(user, document) -> bool:
    """Whether `user` gets the file of `document` at /documents/<id>/<name>.

    Anonymous visitors: a document of a live public article (kb.ownership). Signed-in
    readers: a document that live content they may read uses, so a draft's new version
    stays unserved until the head approves it, and a replaced version is no longer
    served once the new one is live. People who work with documents: every document."""
    from django.db.models import Q

    from .models import hidden_paths
    from .ownership import document_is_public

    if user is None or not user.is_authenticated:
        return document_is_public(document)
    if works_with_documents(user):
        return True
    pages = live_pages_using(document)
    for path in hidden_paths(user):
        pages = pages.exclude(Q(path__startswith=path))
    return pages.exists() or _used_outside_pages(document)


# ------------------------------------------------------------------ orphans


def grace_period() -> dt.timedelta:
    days = getattr(settings, "KB_ORPHAN_DOCUMENT_GRACE_DAYS", DEFAULT_ORPHAN_GRACE_DAYS)
    return dt.timedelta(days=days)


def _collect_document_ids(value, found: set[int]) -> None:
    """The document ids a revision's content names, conservatively: every value of a
    key `document` (an attachment row, a document block), every document link of rich
    text, inside stream data stored as JSON text too. A false match only keeps a
    document longer."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "document" and isinstance(item, int):
                found.add(item)
            else:
                _collect_document_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_document_ids(item, found)
    elif isinstance(value, str):
        found.update(int(pk) for pk in DOCUMENT_LINK.findall(value))
        text = value.lstrip()
        if text[:1] in ("[", "{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                return
            _collect_document_ids(parsed, found)


def document_ids_in_revisions(since: dt.datetime | None = None) -> set[int]:
    """Ids of the documents any revision (of any page or snippet, live, draft or
    older) created at or after `since` uses. A revision older than a document cannot
    use it, so `since` is the oldest candidate's upload time."""
    from wagtail.models import Revision

    revisions = Revision.objects.all()
    if since is not None:
        revisions = revisions.filter(created_at__gte=since)
    found: set[int] = set()
    for content in revisions.values_list("content", flat=True).iterator(chunk_size=200):
        _collect_document_ids(content, found)
    return found


def _row_referenced_ids(documents) -> set[int]:
    """Ids of `documents` that a row of any model points at (a foreign key to the
    document model, e.g. an attachment of an article not yet published)."""
    model = documents.model
    ids: set[int] = set()
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        column = relation.field.attname
        ids.update(
            relation.related_model._base_manager.filter(**{f"{column}__in": documents.values("pk")})
            .values_list(column, flat=True)
            .distinct()
        )
    return ids


def orphan_documents(now: dt.datetime | None = None) -> list:
    """Documents uploaded before the grace period that nothing uses: no row points at
    them, no reference (pages' fields, snippets) names them, no revision contains them."""
    from wagtail.documents import get_document_model
    from wagtail.models import ReferenceIndex

    now = now or timezone.now()
    candidates = get_document_model().objects.filter(created_at__lt=now - grace_period())
    if not candidates.exists():
        return []
    used = _row_referenced_ids(candidates)
    used.update(
        int(pk)
        for pk in ReferenceIndex.get_references_to_in_bulk(candidates).values_list(
            "to_object_id", flat=True
        )
    )
    remaining = list(candidates.exclude(pk__in=used).order_by("created_at", "pk"))
    if not remaining:
        return []
    in_revisions = document_ids_in_revisions(since=remaining[0].created_at)
    return [document for document in remaining if document.pk not in in_revisions]


def _still_orphan(document, listed_at: dt.datetime) -> bool:
    """The checks of `orphan_documents` for one document, just before it is deleted
    (an editor may have attached it since the list was made at `listed_at`)."""
    from wagtail.documents import get_document_model
    from wagtail.models import ReferenceIndex

    one = get_document_model().objects.filter(pk=document.pk)
    if _row_referenced_ids(one) or ReferenceIndex.get_references_to(document).exists():
        return False
    return document.pk not in document_ids_in_revisions(since=listed_at)


def delete_orphan_documents(now: dt.datetime | None = None) -> int:
    """Delete the orphan documents (their files go after the commit, Wagtail's
    signal). One failure is logged and skipped; returns how many were deleted."""
    deleted = 0
    listed_at = timezone.now()
    for document in orphan_documents(now):
        try:
            with transaction.atomic():
                if not _still_orphan(document, listed_at):
                    continue
                document.delete()
        except Exception:
            logger.exception(
                "Orphan document %s («%s») could not be deleted", document.pk, document.title
            )
            continue
        deleted += 1
        logger.info(
            "Deleted orphan document %s («%s», uploaded %s)",
            document.pk,
            document.title,
            f"{document.created_at:%d.%m.%Y}",
        )
    return deleted
