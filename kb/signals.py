from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

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
    if instance.last_reviewed_on is None:
        return
    ArticlePage.objects.filter(
        pk=instance.pk, needs_review=True, review_flagged_on__lte=instance.last_reviewed_on
    ).update(needs_review=False, review_reason="", review_flagged_on=None)


@receiver(post_save, sender=LegalAct)
def legal_act_saved(sender, instance: LegalAct, raw=False, **kwargs):
    if raw or not instance.status_became_doubtful():
        return
    from .services import flag_articles_citing

    flag_articles_citing(instance)
    instance._loaded_status = instance.status
