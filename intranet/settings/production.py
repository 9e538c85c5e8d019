"""Production: DEBUG off, secrets required, HTTPS assumed behind a TLS-terminating proxy.

`manage.py check --deploy --fail-level WARNING` passes with these settings
(tests/test_deploy.py keeps it so). Every check that is silenced below says why."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
if not SECRET_KEY or SECRET_KEY.startswith("dev-"):  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production")

# HTTPS. The proxy (nginx, the body's load balancer) terminates TLS and sets
# X-Forwarded-Proto; it must overwrite a client-sent value of that header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Docker and load-balancer probes call /health/ over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# One working day unless SESSION_COOKIE_AGE says otherwise (the same default as base).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
CSRF_COOKIE_SECURE = True
# The Wagtail admin shows page previews in an iframe of the same origin, so the
# clickjacking header must allow same-origin framing (Wagtail's documented setting).
X_FRAME_OPTIONS = "SAMEORIGIN"

SILENCED_SYSTEM_CHECKS = [
    # security.W019 asks for X_FRAME_OPTIONS = "DENY". SAMEORIGIN is required by the
    # Wagtail admin's live preview (see above) and still forbids framing by any other site.
    "security.W019",
]

# drf-spectacular's deploy check generates the whole OpenAPI schema during
# `check --deploy`. Until a schema preprocessing hook limits the schema to our own
# /api/ endpoints, it also walks Wagtail's internal admin API (/admin/api/main/...),
# whose views cannot be introspected without a live request and whose operation ids
# collide: its warnings are about Wagtail's code, not ours, and the same endpoints
# should not be in our public schema at all. As soon as SPECTACULAR_SETTINGS gets
# PREPROCESSING_HOOKS (see the README, "Security and operations") the check is on again.
if not SPECTACULAR_SETTINGS.get("PREPROCESSING_HOOKS"):  # noqa: F405
    SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}  # noqa: F405

# /health/ and every request give up quickly when PostgreSQL is unreachable instead of
# waiting for the operating system's TCP timeout (libpq's minimum is 2 seconds).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(  # noqa: F405
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
    )
