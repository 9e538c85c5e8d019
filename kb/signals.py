import functools

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import attachments, caching
from .models import ArticlePage, KnowledgeBaseSectionPage, LegalAct


@receiver(post_save, sender=KnowledgeBaseSectionPage)
def section_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """A created section, or a published change of its owner, moves the rights."""
    if raw:
        return
    if update_fields is not None and "owner_unit" not in update_fields:
        # Draft saves (save_revision) only touch revision bookkeeping on the live row.
        return
    from .ownership import sync_section_ownership

    sync_section_ownership(instance)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_after=None, **kwargs):
    """An article moved to another section now belongs to that section's unit."""
    specific = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if not isinstance(specific, ArticlePage):
        return
    parent = parent_page_after.specific if parent_page_after is not None else None
    if isinstance(parent, KnowledgeBaseSectionPage):
        ArticlePage.objects.filter(pk=instance.pk).update(owner_unit_id=parent.owner_unit_id)


@receiver(page_published, sender=ArticlePage)
def article_published(sender, instance, **kwargs):
    """Publishing an article reviewed on or after the day it was flagged clears the flag:
    the editor confirms the review by setting «last reviewed on»."""
    _keep_marked_review(instance)
    if instance.last_reviewed_on is None:
        return
    ArticlePage.objects.filter(
        pk=instance.pk, needs_review=True, review_flagged_on__lte=instance.last_reviewed_on
    ).update(needs_review=False, review_reason="", review_flagged_on=None)


@receiver(page_published, sender=ArticlePage, dispatch_uid="kb-history-published")
def article_edition(sender, instance, revision=None, **kwargs):
    """A publication is an edition in the readers' history (kb.history); the article's
    followers are told of it (kb.following), in the publication's transaction."""
    from .following import tell_edition
    from .history import publisher_of, record_publication

    edition = record_publication(instance, revision)
    if edition is not None:
        author = getattr(revision, "user", None)
        tell_edition(instance, edition, exclude=[publisher_of(revision), author])


def _keep_marked_review(article):
    """A draft saved before «Отметить как проверенное» carries the older review date:
    publishing it does not undo the recorded review (kb.services.mark_reviewed)."""
    from django.utils import timezone

    from .models import ArticleReview

    latest = ArticleReview.objects.filter(article_id=article.pk).order_by("-reviewed_at").first()
    if latest is None:
        return
    reviewed_on = timezone.localdate(latest.reviewed_at)
    if article.last_reviewed_on is None or article.last_reviewed_on < reviewed_on:
        article.last_reviewed_on = reviewed_on
        article.next_review_due = article.compute_next_review_due()
        ArticlePage.objects.filter(pk=article.pk).update(
            last_reviewed_on=reviewed_on, next_review_due=article.next_review_due
        )


@receiver(post_save, sender=LegalAct)
def legal_act_saved(sender, instance: LegalAct, raw=False, **kwargs):
    if raw or not instance.status_became_doubtful():
        return
    from .services import flag_articles_citing

    flag_articles_citing(instance)
    instance._loaded_status = instance.status


# --- invalidation of the cached KB fragments (kb.caching) ---------------------------

# What a draft save (save_revision), a lock or a comment touches on a live page's row:
# readers see none of it, so such saves leave the cached fragments alone.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
    }
)


@functools.cache
def _watched_models() -> tuple[type, ...]:
    """Models whose rows appear in cached KB fragments: pages (titles, URLs, the tree),
    topics, legal acts, units (owner names and phones, heads and groups), documents
    (attachment links), sites (URLs), view restrictions (who may open what)."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page, PageViewRestriction, Site

    from intranet.models import Unit

    from .models import Topic

    return (Page, Topic, LegalAct, Unit, Site, get_document_model(), PageViewRestriction)


def _watched(instance) -> bool:
    return isinstance(instance, _watched_models())


@receiver(page_published, dispatch_uid="kb-cache-published")
@receiver(page_unpublished, dispatch_uid="kb-cache-unpublished")
@receiver(post_page_move, dispatch_uid="kb-cache-moved")
def page_changed(sender, **kwargs):
    caching.bump()


@receiver(post_save, dispatch_uid="kb-cache-saved")
def row_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _watched(instance):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    caching.bump()


@receiver(m2m_changed, dispatch_uid="kb-cache-restriction-groups")
def restriction_groups_changed(sender, instance, action, **kwargs):
    """The groups of a view restriction: who may open the pages under it."""
    from wagtail.models import PageViewRestriction

    if isinstance(instance, PageViewRestriction) and action.startswith("post_"):
        caching.bump()


@receiver(post_delete, dispatch_uid="kb-cache-deleted")
def row_deleted(sender, instance, **kwargs):
    if _watched(instance):
        caching.bump()


# Connected for the document model only (a receiver for every model would turn off
# Django's fast deletes everywhere). This module is imported once the apps are ready.
@receiver(pre_delete, sender=get_document_model(), dispatch_uid="kb-document-in-draft")
def document_deleted(sender, instance, **kwargs):
    """A document a page's draft uses is not deleted (kb.attachments)."""
    attachments.refuse_deleting_a_drafts_document(instance)
