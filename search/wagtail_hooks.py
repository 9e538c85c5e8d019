"""The search synonyms and index failures in the Wagtail admin.

Synonyms (Settings → Search synonyms): groups of words and phrases that mean the same,
kept by editors, heads and administrators (`intranet.permissions`); a change applies to
the next search on the database backends and reaches Elasticsearch with the next
`update_index` (`search.synonyms`).

The search index failures (Settings → Search index failures):
documents a search backend refused, for administrators to see what is not searchable
and why. Read-only: a record goes away by itself once its document is indexed
(`search.tasks.catch_up` retries them, `manage.py update_index` too).

The readout of searches («Что ищут»: queries that found nothing or where nothing was
opened, `search.readout`) is a menu item for those who may open it: the editors and
heads of units, and administrators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from intranet.audit.views import ReadOnlyPermissionPolicy
from search import readout
from search.models import IndexFailure, SynonymGroup

register_permission_policy(IndexFailure, ReadOnlyPermissionPolicy(IndexFailure), exact_class=True)


class IndexFailureViewSet(ModelViewSet):
    model = IndexFailure
    icon = "warning"
    url_prefix = "search-failures"
    menu_label = _("Search index failures")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["label", "error", "attempts", "last_failed_at", "retry_at"]
    inspect_view_fields = [
        "label",
        "content_type",
        "object_id",
        "error",
        "attempts",
        "first_failed_at",
        "last_failed_at",
        "retry_at",
    ]
    search_fields = ["label", "error"]
    ordering = ["-last_failed_at"]
    list_per_page = 100
    search_backend_name = None

    def get_queryset(self, request):
        return IndexFailure.objects.select_related("content_type")

    def get_urlpatterns(self):
        # Only the reading views: no add, edit, delete, copy, history or usage URL.
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]


@hooks.register("register_admin_viewset")
def register_index_failures():
    return IndexFailureViewSet("search_index_failures")


class SynonymGroupViewSet(ModelViewSet):
    model = SynonymGroup
    icon = "list-ul"
    url_prefix = "search-synonyms"
    menu_label = _("Search synonyms")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["terms", "note"]
    list_display = ["__str__", "note", "updated_at"]
    search_fields = ["terms", "note"]
    search_backend_name = None
    ordering = ["pk"]


@hooks.register("register_admin_viewset")
def register_synonyms():
    return SynonymGroupViewSet("search_synonyms")


class ReadoutMenuItem(MenuItem):
    def is_shown(self, request):
        return readout.readable_units(request.user) != []


@hooks.register("register_admin_menu_item")
def register_readout_link():
    return ReadoutMenuItem(
        _("What people search for"), reverse("search:readout"), icon_name="search", order=260
    )
