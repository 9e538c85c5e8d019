"""The addresses of the sections the header links to: the knowledge base's root page
(«Противодействие коррупции») and the staff directory, each the first live page of its
type (by tree order), or "" while there is none.

Both are read in one query per request, from Wagtail's page table by content type (no
join with each page type's own table; with one Wagtail site, without looking up the
request's site), and kept on the request, so a page that renders
the header twice (an error inside a layout) asks once. The page types are named by
their labels: the header belongs to the intranet, which does not import the apps built
on it (a type whose app is not installed is skipped)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

SECTIONS = {
    "knowledge_base": "kb.KnowledgeBaseIndexPage",
    "staff_directory": "intranet.StaffDirectoryPage",
}
_ON_REQUEST = "_intranet_section_urls"


def _models() -> dict[str, type]:
    found = {}
    for name, label in SECTIONS.items():
        try:
            found[name] = apps.get_model(label)
        except LookupError:
            continue
    return found


def section_urls(request=None) -> dict[str, str]:
    """{"knowledge_base": url or "", "staff_directory": url or ""} for this request."""
    cached = getattr(request, _ON_REQUEST, None) if request is not None else None
    if cached is not None:
        return cached
    models = _models()
    types = ContentType.objects.get_for_models(*models.values())  # cached per process
    name_of_type = {types[model].pk: name for name, model in models.items()}
    urls = dict.fromkeys(SECTIONS, "")
    # With one site, the addresses are relative and the same for every request: the
    # pages need not look the request's site up (a query of its own on every page that
    # is not Wagtail's). Wagtail keeps the site root paths in the cache.
    one_site = len({root.site_id for root in Site.get_site_root_paths()}) <= 1
    pages = (
        Page.objects.live()
        .filter(content_type_id__in=name_of_type)
        .order_by("path")
        .only("id", "path", "url_path", "content_type_id")
    )
    for page in pages:
        name = name_of_type[page.content_type_id]
        if not urls[name]:
            # An unsaved instance of the page's own type with the row's values (no query):
            # its get_url_parts (the public address, intranet.links) makes the link.
            specific = models[name](id=page.id, path=page.path, url_path=page.url_path)
            urls[name] = specific.get_url(None if one_site else request) or ""
    if request is not None:
        setattr(request, _ON_REQUEST, urls)
    return urls


def remember(request, urls: dict[str, str]) -> None:
    """Give this request section addresses read earlier (a whole-page cache keeps them
    with the page, under a key that changes when any page is published or moved)."""
    setattr(request, _ON_REQUEST, dict(urls))
