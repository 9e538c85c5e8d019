"""The admin's page chooser shows only the pages the user may see
(kb.ownership.pages_visible_in_admin).

Wagtail's hook `construct_page_chooser_queryset` (kb.wagtail_hooks) filters the pages a
browse lists and a search finds. Two views name a page the hook does not reach: the
browse view shows the page it is opened on (`/admin/choose-page/<id>/`) as its first
row, and `/admin/choose-page/chosen-multiple/?id=…` answers with the title and address
of any page by its key. They are taken over here, at the same paths, by subclasses that
refuse (404) a page the user may not see, or leave it out."""

from __future__ import annotations

from functools import update_wrapper

from django.http import Http404
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.models import Page

from .ownership import pages_visible_in_admin


def _visible(user, pk) -> bool:
    return pages_visible_in_admin(Page.objects.filter(pk=pk), user).exists()


class VisibleBrowseView(BrowseView):
    def get(self, request, parent_page_id=None):
        if parent_page_id is None:
            parent_page_id = self._default_parent_id(request)
        if parent_page_id is not None and not _visible(request.user, parent_page_id):
            raise Http404
        return super().get(request, parent_page_id)

    def _default_parent_id(self, request):
        """Wagtail opens a chooser for one page type on the first common ancestor of all
        pages of that type; here, of those the user may see (the root when they have
        none, or when that ancestor is not one they may see either). None: Wagtail's
        own choice (the root, for any page type)."""
        from wagtail.admin.views.chooser import page_models_from_string

        page_type = request.GET.get("page_type") or "wagtailcore.page"
        try:
            models = page_models_from_string(page_type)
        except (ValueError, LookupError):
            return None  # Wagtail answers 404
        if models == (Page,):
            return None
        root = Page.get_first_root_node()
        pages = pages_visible_in_admin(Page.objects.type(*models), request.user)
        if not pages.exists():
            return root.pk
        ancestor = pages.first_common_ancestor()
        return ancestor.pk if _visible(request.user, ancestor.pk) else root.pk


class VisibleChosenMultipleView(ChosenMultipleView):
    def get(self, request):
        keys = [key for key in request.GET.getlist("id") if key.isdecimal()]
        visible = pages_visible_in_admin(Page.objects.filter(pk__in=keys), request.user)
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in visible.values_list("pk", flat=True)])
        request.GET = query
        return super().get(request)


def admin_urlpatterns() -> list:
    """The two views at Wagtail's paths under /admin/ (intranet/urls.py puts them before
    Wagtail's), decorated as Wagtail decorates its admin views."""
    from django.urls import path
    from django.views.decorators.cache import never_cache
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.urls import display_custom_404

    def admin_view(view):
        for decorator in (require_admin_access, display_custom_404, never_cache):
            view = update_wrapper(decorator(view), view)
        return view

    browse = admin_view(VisibleBrowseView.as_view())
    return [
        path("choose-page/", browse),
        path("choose-page/<int:parent_page_id>/", browse),
        path("choose-page/chosen-multiple/", admin_view(VisibleChosenMultipleView.as_view())),
    ]
