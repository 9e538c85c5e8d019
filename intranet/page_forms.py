"""The admin's form of every page of the portal (`base_form_class` of
intranet.links.PublicAddressPageMixin, which every page type has).

The slug (the page's address), on top of Wagtail's form:

- a page that was never published gets a Latin slug: a Cyrillic one (what the admin's
  script makes of a Russian title) is transliterated by intranet.slugs;
- a page that was never published and whose slug another page of the same parent
  already has (typically an abandoned draft, autosaved while it was being written) gets
  the first free `slug-2`, `slug-3`, …, instead of Wagtail's refusal «Слаг … уже
  используется на родительской странице»;
- a published page keeps its address as it is (links to it must not break); when its
  editor types a slug that is taken, the error says by which page and what to type
  instead, in plain Russian."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from .slugs import free_slug, slug_from


class IntranetPageForm(WagtailAdminPageForm):
    def clean(self):
        # Wagtail's own slug check (WagtailAdminPageForm.clean) is replaced by _clean_slug.
        cleaned_data = WagtailAdminModelForm.clean(self)
        self._clean_slug(cleaned_data)
        return cleaned_data

    def _clean_slug(self, cleaned_data) -> None:
        slug = cleaned_data.get("slug")
        parent = self.parent_page
        if not slug or parent is None:
            return
        page = self.instance
        siblings = parent.get_children()
        if page.pk:
            siblings = siblings.not_page(page)
        never_published = page.pk is None or page.first_published_at is None
        if never_published:
            if not slug.isascii():
                slug = slug_from(slug)
            cleaned_data["slug"] = free_slug(slug, siblings)
            return
        taken = siblings.filter(slug=slug).first()
        if taken is not None:
            self.add_error(
                "slug",
                forms.ValidationError(
                    _(
                        "The address «%(slug)s» is already used by the page «%(title)s» "
                        "in this section. Change the slug, for example to «%(suggestion)s»."
                    )
                    % {
                        "slug": slug,
                        "title": taken.title,
                        "suggestion": free_slug(slug, siblings),
                    }
                ),
            )
