"""The portal's public address, BASE_URL, and every absolute link made from it: e-mails,
print footers, the API's `html_url` and `detail_url`, the knowledge base's editor links,
the Wagtail Site. One place, so that every link names the address people really use.

BASE_URL is the scheme, host and port (`https://intranet.example.gov.ru`,
`http://127.0.0.1:8101`); settings put it in WAGTAILADMIN_BASE_URL (Wagtail's admin
e-mails) and WAGTAILAPI_BASE_URL (the API's `detail_url`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .page_forms import IntranetPageForm

DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url() -> str:
    """BASE_URL without a trailing slash."""
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")


def absolute(path: str = "/") -> str:
    """The absolute link of a path of this site (what reverse() or get_absolute_url()
    give); a link that is already absolute is returned unchanged."""
    path = str(path or "/")
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + (path if path.startswith("/") else f"/{path}")


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def site_address() -> tuple[str, int]:
    """(hostname, port) of the Wagtail Site that BASE_URL names."""
    hostname, port = _host_and_port(base_url())
    return hostname or "localhost", port


def site_root_url(root_url: str) -> str:
    """A Site's root URL as Wagtail writes it (`http://host:port`; https only on port
    443) with BASE_URL's scheme when it is the Site BASE_URL names, so that an address
    such as https://host:8443 keeps its https."""
    if root_url and _host_and_port(root_url) == _host_and_port(base_url()):
        parts = urlsplit(base_url())
        return f"{parts.scheme}://{parts.netloc}"
    return root_url


class PublicAddressPageMixin:
    """For page models (before Page in the bases): `full_url`, hence the API's `html_url`
    and the print version's footer, starts with BASE_URL. get_url_parts is Wagtail's
    documented place to change a page's URL.

    Every page type of the portal has this mixin, so it also names the admin's form of
    every page: Latin, unique slugs for new pages (intranet.page_forms)."""

    base_form_class = IntranetPageForm

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts and parts[1]:
            parts = (parts[0], site_root_url(parts[1]), parts[2])
        return parts


def sync_site(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Give the default Wagtail Site the hostname and port of BASE_URL (on every
    `migrate` and in seed_demo). True when the Site was changed."""
    from wagtail.models import Site

    if Site._meta.db_table not in connections[using].introspection.table_names():
        return False
    site = Site.objects.using(using).filter(is_default_site=True).first()
    hostname, port = site_address()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.using(using).filter(hostname=hostname, port=port).exists():
        return False  # another Site has that address: left to the administrator
    site.hostname, site.port = hostname, port
    # save() (not update()) so that Wagtail forgets its cached site root paths.
    site.save(using=using, update_fields=["hostname", "port"])
    return True
