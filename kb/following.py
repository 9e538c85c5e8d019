"""Readers following an article or a section (Following), and what they are told in the
notification centre (intranet.notifications: the bell, the list, e-mail as each chose).

Who may follow: a signed-in person who may read the page (an article: `visible_to`; a
section: live and not behind a view restriction they do not pass). Who is told, and of
what:

- a new edition of an article (kb.history): the followers of the article and of its
  section; a first publication tells the section's followers of a new article;
- an article flagged for review because an act it cites was amended or repealed
  (kb.services.flag_articles_citing): the same people.

Never whoever made the change (the publisher and the revision's author; for a flag, the
person who changed the act), never an inactive account, and never anyone who may not
read the article (`ArticlePage.objects.visible_to`, with Wagtail's view restrictions:
kb.models.hidden_paths). Each notification links to the article."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page

from intranet import notifications

from .models import (
    ArticleEdition,
    ArticlePage,
    Following,
    KnowledgeBaseSectionPage,
    LegalAct,
    hidden_paths,
)

VERB_EDITION = "kb.edition"
VERB_FLAGGED = "kb.flagged"
TARGET = "kb.article"


# ------------------------------------------------------------------------ who may follow


def followable(user, page_id: int) -> Page | None:
    """The article or section `page_id` if `user` may follow it (may read it), else
    None."""
    if user is None or not user.is_authenticated:
        return None
    hidden = hidden_paths(user)
    article = ArticlePage.objects.visible_to(user, hidden).filter(pk=page_id).first()
    if article is not None:
        return article
    section = KnowledgeBaseSectionPage.objects.live().filter(pk=page_id).first()
    if section is None or any(section.path.startswith(path) for path in hidden):
        return None
    return section


def is_following(user, page) -> bool:
    return bool(user and user.is_authenticated) and (
        Following.objects.filter(user_id=user.pk, page_id=page.pk).exists()
    )


@transaction.atomic
def set_following(user, page, follow: bool) -> bool:
    """Follow or stop following `page` (an article or section `followable` returned).
    Returns whether `user` follows it now."""
    if follow:
        Following.objects.get_or_create(user=user, page_id=page.pk)
    else:
        Following.objects.filter(user=user, page_id=page.pk).delete()
    return follow


def followed_by(user) -> list[Page]:
    """What `user` follows and may still read, sections first, then articles, each by
    title (a page they may no longer read is left out)."""
    ids = list(Following.objects.filter(user=user).values_list("page_id", flat=True))
    if not ids:
        return []
    hidden = hidden_paths(user)
    sections = [
        section
        for section in KnowledgeBaseSectionPage.objects.live().filter(pk__in=ids).order_by("title")
        if not any(section.path.startswith(path) for path in hidden)
    ]
    articles = list(
        ArticlePage.objects.visible_to(user, hidden).filter(pk__in=ids).order_by("title")
    )
    return [*sections, *articles]


# ------------------------------------------------------------------------ who is told


def readers_to_tell(article: ArticlePage, exclude=()) -> list:
    """The active followers of `article` or of its section who may read it, without
    the people in `exclude`."""
    from intranet.models import User

    page_ids = [article.pk]
    section = article.section
    if section is not None:
        page_ids.append(section.pk)
    skip = {person.pk for person in exclude if person is not None}
    candidates = (
        User.objects.filter(is_active=True, kb_followings__page_id__in=page_ids)
        .exclude(pk__in=skip)
        .distinct()
        .order_by("pk")
    )
    return [
        user
        for user in candidates
        if ArticlePage.objects.visible_to(user).filter(pk=article.pk).exists()
    ]


def _link(article: ArticlePage) -> str:
    parts = article.get_url_parts()
    return parts[2] if parts else ""


def tell_edition(article: ArticlePage, edition: ArticleEdition, exclude=()) -> list:
    """Tell the followers of `article` (and of its section) of its new edition."""
    people = readers_to_tell(article, exclude)
    if not people:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        date = f"{timezone.localdate(edition.published_at):%d.%m.%Y}"
        if edition.first:
            section = article.section
            text = _("New article in the section «%(section)s»: «%(title)s»") % {
                "section": section.title if section else "",
                "title": article.title,
            }
        else:
            text = _("New edition of «%(title)s» of %(date)s: %(note)s") % {
                "title": article.title,
                "date": date,
                "note": edition.text,
            }
    return notifications.notify(
        people,
        text,
        _link(article),
        verb=VERB_EDITION,
        target=(TARGET, article.pk),
        key=f"{VERB_EDITION}:{edition.pk}",
    )


def tell_flagged(act: LegalAct, articles: list[ArticlePage]) -> list:
    """Tell the followers of each article flagged because `act` changed."""
    actor = get_active_log_context().user
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for article in articles:
            people = readers_to_tell(article, exclude=[actor])
            if not people:
                continue
            text = _(
                "«%(title)s» is being checked: %(act)s was %(status)s. Until then, check "
                "the facts against the current legislation."
            ) % {
                "title": article.title,
                "act": act.short_citation,
                "status": act.get_status_display().lower(),
            }
            created += notifications.notify(
                people,
                text,
                _link(article),
                verb=VERB_FLAGGED,
                target=(TARGET, article.pk),
                key=f"{VERB_FLAGGED}:{article.pk}:{act.pk}:{act.status}:{act.status_changed_on}",
            )
    return created
