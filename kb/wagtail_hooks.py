from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .attachments import may_download
from .audience import sees_typical_answers
from .overview import overview_unit_ids
from .ownership import pages_visible_in_admin
from .panels import OverviewPanel, ReviewPanel
from .readonly import SectionListView, SectionPagesView
from .review import LOG_ACTION
from .views import AdminHelpView, MarkReviewedView, legal_act_autocomplete
from .viewsets import ArticleFeedbackViewSet, LegalActViewSet, TopicViewSet

# Wagtail's items of the admin's Help menu that lead to its English documentation (the
# editor guide, the release notes): our Russian help page replaces them.
WAGTAIL_ENGLISH_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")

register_snippet(LegalActViewSet)
register_snippet(TopicViewSet)


@hooks.register("register_admin_viewset")
def register_feedback_report():
    return ArticleFeedbackViewSet()


@hooks.register("register_admin_urls")
def register_help_page():
    # Admin URLs need admin access (Wagtail's require_admin_access wraps them).
    return [
        path("help/", AdminHelpView.as_view(), name="kb_admin_help"),
        path("kb/sections/", SectionListView.as_view(), name="kb_sections"),
        path("kb/sections/<int:page_id>/", SectionPagesView.as_view(), name="kb_section_pages"),
        path(
            "kb/articles/<int:page_id>/reviewed/",
            MarkReviewedView.as_view(),
            name="kb_mark_reviewed",
        ),
        # The editor's acts picker (kb.widgets.LegalActsAutocomplete).
        path(
            "kb/legal-acts-autocomplete/",
            legal_act_autocomplete,
            name="kb_legal_act_autocomplete",
        ),
    ]


@hooks.register("register_log_actions")
def register_review_log_action(actions):
    """«Отмечено как проверенное» in a page's history (kb.review)."""
    actions.register_action(LOG_ACTION, _("Mark as reviewed"), _("Marked as reviewed"))


@hooks.register("register_admin_menu_item")
def register_sections_menu_item():
    """Every section of the knowledge base, one's own to edit and the others to read
    (kb.readonly)."""
    return MenuItem(
        _("Knowledge base sections"),
        reverse("kb_sections"),
        name="kb-sections",
        icon_name="folder-open-inverse",
        order=150,
    )


@hooks.register("register_help_menu_item")
def register_help_menu_item():
    return MenuItem(
        _("Help for editors and heads"),
        reverse("kb_admin_help"),
        name="kb-help",
        icon_name="help",
        order=100,
    )


@hooks.register("construct_help_menu")
def hide_english_help(request, menu_items):
    menu_items[:] = [
        item for item in menu_items if not item.name.startswith(WAGTAIL_ENGLISH_HELP_ITEMS)
    ]


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    panels.append(ReviewPanel(request.user))
    # The department head and administrators: the overview's headline counts.
    unit_ids = overview_unit_ids(request.user)
    if unit_ids:
        panels.append(OverviewPanel(unit_ids))


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_only_visible_pages(pages, request):
    """The page chooser (browse and search, in every chooser panel and rich-text link)
    lists only the pages the user may see (kb.ownership.pages_visible_in_admin); the
    page a browse opens on and the pages «chosen» by id are checked in kb.chooser."""
    return pages_visible_in_admin(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def explorer_shows_only_visible_pages(parent_page, pages, request):
    """The explorer's search and its menu (already limited by Wagtail to the pages the
    user works on and the way to them) follow the same rule."""
    return pages_visible_in_admin(pages, request.user)


@hooks.register("before_serve_document")
def documents_follow_approval(document, request):
    """/documents/ is exempt from the site-wide login so that public KB material can
    link its attachments. A reader gets the file only while live content they may read
    uses it (kb.attachments.may_download): a new version in a draft waits for the head's
    approval; anonymous visitors are sent to sign in, signed-in readers get «not found»."""
    if may_download(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404(document.filename)


@hooks.register("before_serve_page")
def typical_answers_only_for_staff(page, request, serve_args, serve_kwargs):
    """A typical answer is not found by a signed-in internal client (kb.audience). An
    anonymous visitor is sent to sign in by intranet's hook, as for any internal page
    (ArticlePage.is_public_for is False for a typical answer)."""
    if not request.user.is_authenticated:
        return None
    if getattr(page.specific_deferred, "is_typical_answer", False) and not sees_typical_answers(
        request.user
    ):
        raise Http404
    return None
