"""Other units' knowledge-base pages in the admin: read-only, and named.

Wagtail shows an editor only the pages they may work on: another unit's section opens
in its explorer as «0 страниц», as if empty, and a direct edit address of another unit's
page bounces to the dashboard with «Извините, но у вас нет доступа в эту область.». The
explorer's permission model lists only explorable pages, so instead of bending it:

- `SectionPagesView` (/admin/kb/sections/<id>/) is a read-only listing of a section's
  live articles (title, kind, review state, a link to read it on the site) with the
  owning unit, its head and its editors — whom to ask for a change. Drafts are not
  listed: they are the owning unit's work in progress (tests/security/test_kb_leaks.py);
- `SectionListView` (/admin/kb/sections/, the admin menu «Разделы базы знаний») lists
  every section with its unit: one's own open in the explorer, others in the listing;
- the explorer of a section the user may not edit (/admin/pages/<id>/) and the edit
  address of a page in it (/admin/pages/<id>/edit/) are taken over at Wagtail's paths
  (intranet/urls.py, as kb.chooser does): the explorer sends them to the read-only
  listing; the edit address does too, with a message naming the owning unit and its
  editors. Pages outside the knowledge base keep Wagtail's own behaviour."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page


def section_of(page):
    """The knowledge-base section `page` is or lies in; None outside the sections."""
    from .models import KnowledgeBaseSectionPage

    if page is None or page.depth is None:
        return None
    return (
        KnowledgeBaseSectionPage.objects.filter(
            path__in=page.get_ancestors(inclusive=True).values("path")
        )
        .select_related("owner_unit", "owner_unit__head")
        .first()
    )


def unit_editors(unit):
    """Active editors of `unit`'s sections, by name."""
    from intranet.models import User

    if unit.editors_group_id is None:
        return User.objects.none()
    return User.objects.filter(groups__pk=unit.editors_group_id, is_active=True).order_by(
        "last_name", "first_name"
    )


def may_edit(section, user) -> bool:
    return section.permissions_for_user(user).can_edit()


def people_of(unit) -> str:
    """«Фёдорова Анна Михайловна, Сидоров …» — the unit's editors and head, for a message."""
    people = [user.get_full_name() or user.username for user in unit_editors(unit)]
    if unit.head_id and unit.head.is_active:
        head = unit.head.get_full_name() or unit.head.username
        if head not in people:
            people.append(_("%(name)s (head)") % {"name": head})
    return ", ".join(people) or _("nobody is assigned yet")


def refusal(page, section) -> str:
    """Why `page` cannot be edited, in plain Russian, naming whom to ask."""
    return _(
        "«%(title)s» is kept by %(unit)s: only its editors and head change it "
        "(%(people)s). Ask them for the change; the section's pages are listed below "
        "for reading."
    ) % {
        "title": page.get_admin_display_title(),
        "unit": section.owner_unit.name,
        "people": people_of(section.owner_unit),
    }


class SectionListView(WagtailAdminTemplateMixin, TemplateView):
    """Every section of the knowledge base with its unit (/admin/kb/sections/)."""

    page_title = gettext_lazy("Knowledge base sections")
    header_icon = "folder-open-inverse"
    template_name = "kb/admin/sections.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from .models import KnowledgeBaseSectionPage

        context = super().get_context_data(**kwargs)
        sections = list(
            KnowledgeBaseSectionPage.objects.live().select_related("owner_unit").order_by("path")
        )
        for section in sections:
            section.editable = may_edit(section, self.request.user)
        context["sections"] = sections
        return context


class SectionPagesView(WagtailAdminTemplateMixin, TemplateView):
    """A section's live articles, read-only, with whom to ask for a change."""

    header_icon = "folder-open-inverse"
    template_name = "kb/admin/section_pages.html"

    def dispatch(self, request, *args, **kwargs):
        from .models import KnowledgeBaseSectionPage

        self.section = get_object_or_404(
            KnowledgeBaseSectionPage.objects.select_related("owner_unit", "owner_unit__head"),
            pk=kwargs["page_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.section.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("kb_sections"), "label": _("Knowledge base sections")},
            {"url": "", "label": self.section.title},
        ]

    def get_context_data(self, **kwargs):
        from .models import ArticlePage, hidden_paths

        context = super().get_context_data(**kwargs)
        user = self.request.user
        articles = (
            ArticlePage.objects.child_of(self.section)
            .visible_to(user, hidden_paths(user))
            .order_by("title")
        )
        unit = self.section.owner_unit
        context.update(
            section=self.section,
            unit=unit,
            editors=list(unit_editors(unit)),
            head=unit.head if unit.head_id and unit.head.is_active else None,
            articles=articles,
            editable=may_edit(self.section, user),
            today=timezone.localdate(),
        )
        return context


def edit(request, page_id):
    """Wagtail's page editor; a page of another unit's section is refused with a message
    naming the unit and its editors, and the read-only listing of its section."""
    from wagtail.admin.viewsets.pages import page_viewset_registry

    page = get_object_or_404(Page, pk=page_id)
    if request.headers.get("x-requested-with") != "XMLHttpRequest":
        section = section_of(page)
        if section is not None and not page.permissions_for_user(request.user).can_edit():
            messages.error(request, refusal(page, section))
            return redirect("kb_section_pages", page_id=section.pk)
    view = page_viewset_registry.as_view("edit", page_id_kwarg="page_id")
    return view(request, page_id=page_id)


def explore(request, parent_page_id):
    """The explorer of a page: a section the user may not edit (or a page in it) opens
    as the section's read-only listing; anything else in Wagtail's explorer."""
    from wagtail.admin.viewsets.pages import page_viewset_registry

    page = get_object_or_404(Page, pk=parent_page_id)
    section = section_of(page)
    user = request.user
    if section is not None and not user.is_superuser and not may_edit(section, user):
        return redirect("kb_section_pages", page_id=section.pk)
    view = page_viewset_registry.as_view("index", parent_page_id_kwarg="parent_page_id")
    return view(request, parent_page_id=parent_page_id)


def admin_urlpatterns() -> list:
    """The explorer and the editor at Wagtail's paths under /admin/ (intranet/urls.py
    puts them before Wagtail's), decorated as Wagtail decorates its admin views."""
    from django.urls import path
    from django.views.decorators.cache import never_cache
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.urls import display_custom_404

    def admin_view(view):
        for decorator in (require_admin_access, display_custom_404, never_cache):
            view = update_wrapper(decorator(view), view)
        return view

    return [
        path("pages/<int:parent_page_id>/", admin_view(explore)),
        path("pages/<int:page_id>/edit/", admin_view(edit)),
    ]
