"""Settings shared by every environment. Every value that differs between a laptop,
CI and production comes from the environment (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "intranet"
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "intranet",
    "intranet.accounts",
    "intranet.audit",
    "kb",
    "kb.acknowledgements",
    "kb.integrations",
    "cases",
    "cases.quality",
    "cases.consultations",
    "cases.retention",
    "cases.reports",
    "cases.reception",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "intranet.apps.IntranetUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "intranet.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stateless: outside the next one, so that its 503 page carries the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A request that meets an unusable database gets a clear 503 page, whichever
    # middleware or view met it: outside every middleware that may query (the session's
    # first of all); a connection that died since the previous request is replaced
    # before the session is read (intranet.middleware).
    "intranet.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intranet.audit.context.AuditContextMiddleware",
    "intranet.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A refused deletion of a document a draft uses, said on the page it came from.
    "kb.middleware.DocumentInDraftMiddleware",
    # An article read again, served before Wagtail's routing (kb.page_cache).
    "kb.page_cache.ArticleResponseCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a lockout detected during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"
ASGI_APPLICATION = "intranet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "intranet.context_processors.notifications_bell",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file under var/ (the embedded default).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the Celery worker, the web process and the tests read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of a random page read. PostgreSQL's default (4) models spinning
    # disks; on SSD-backed servers 1.1 is the usual setting. With the default, full-text
    # queries that match a large share of the knowledge base choose a sequential scan that
    # reads every TOASTed search vector (~150 ms at 5,000 articles) over the GIN bitmap
    # scan (~10 ms): bench/README.md. PG_RANDOM_PAGE_COST="" keeps the server's setting.
    random_page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1").strip()
    if random_page_cost:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c random_page_cost={float(random_page_cost)}"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Paths served without a session. Wagtail pages decide for themselves (see
# intranet.wagtail_hooks.require_login_for_pages); the admin has its own login.
LOGIN_EXEMPT_PREFIXES = ["/health/", "/static/", "/admin/", "/api/v2/", "/documents/"]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский")]
WAGTAIL_CONTENT_LANGUAGES = [("ru", "Русский")]
# Dates typed in the Wagtail admin (its date picker's text box) as in the product's own
# forms (intranet.forms.DateField): ДД.ММ.ГГГГ and ДД.ММ.ГГГГ ЧЧ:ММ.
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail through Django's mail framework. EMAIL_HOST unset: mail is written to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "intranet@example.gov.ru")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (intranet/outbox.py), every e-mail the portal sends: a failed message is
# tried again after this many seconds, doubling (at most an hour), up to this many tries,
# then left for a person (admin: Settings → Outgoing mail); the beat task, every few
# minutes, sends again what is still queued or failed and due after this many minutes
# (a broker that was down, a lost task). Named CASES_DELIVERY_* before the outbox
# served every kind of mail.
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_REDISPATCH_MINUTES = int(os.environ.get("OUTBOX_REDISPATCH_MINUTES", "10"))
OUTBOX_REDISPATCH_EVERY_MINUTES = 5
# Message-IDs end with this domain; empty: the domain of DEFAULT_FROM_EMAIL.
OUTBOX_MESSAGE_ID_DOMAIN = ""
# Notifications (intranet/notifications.py, docs/notifications.md): the e-mail of whoever
# has not chosen ("instant", "digest" or "none"), and the hour (Moscow time) of the daily
# digest.
NOTIFICATIONS_DEFAULT_EMAIL = os.environ.get("NOTIFICATIONS_DEFAULT_EMAIL", "digest")
NOTIFICATIONS_DIGEST_HOUR = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "8"))

# Celery: CELERY_BROKER_URL unset means the embedded default, tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that dies before acknowledging it (acks_late) goes back to the
# queue after this many seconds (Redis transport). Longer than the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

# Cache: a LocMemCache in each process unless CACHE_URL (redis://host:6379/1), which
# shares one cache between the gunicorn processes. No page depends on a shared cache for
# correctness: the KB's cached fragments are invalidated through a generation kept in
# the database (kb.caching, docs/performance.md). With Redis, a Redis outage also stops
# Wagtail's page serving (it keeps the site's root paths in this cache).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "intranet",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "intranet",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "1000"))},
        }
    }
# Seconds a cached KB fragment is kept at most (0: no fragment cache).
KB_FRAGMENT_CACHE_SECONDS = int(os.environ.get("KB_FRAGMENT_CACHE_SECONDS", "600"))
# Articles read again served whole, before Wagtail's routing (kb.page_cache); off with
# KB_PAGE_CACHE=0 (or with the fragment cache, KB_FRAGMENT_CACHE_SECONDS=0).
KB_PAGE_CACHE = os.environ.get("KB_PAGE_CACHE", "1") not in ("0", "false", "no")
# Acknowledgement sheets (kb.acknowledgements): reminders this many calendar days before
# the due date, at this hour (minute 30).
KB_ACK_REMIND_DAYS_BEFORE = int(os.environ.get("KB_ACK_REMIND_DAYS_BEFORE", "2"))
KB_ACK_REMINDERS_HOUR = int(os.environ.get("KB_ACK_REMINDERS_HOUR", "7"))

# Search: the database backend unless ELASTICSEARCH_URL; see "--- search ---" below.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Интранет")
# The public address (scheme, host, port): every absolute link is made from it by
# intranet.links (e-mails, print footers, the API, the Wagtail Site's hostname and port).
WAGTAILADMIN_BASE_URL = (os.environ.get("BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "intranet.api_errors.SessionAuthentication",
    ],
    # JSON only: the API is for integrations; people read its documentation at /api/docs/
    # (no English browsable pages).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Errors in Russian whatever the caller's Accept-Language (intranet.api_errors).
    "EXCEPTION_HANDLER": "intranet.api_errors.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Интранет: API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["intranet.api.public_api_endpoints"],
    # Several choice sets share a field name ("kind", "channel"): name each enum.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "cases.choices.Channel",
        "ClientKindEnum": "cases.choices.ClientKind",
        "EventKindEnum": "cases.models.EventKind",
        "AnswerKindEnum": "cases.models.AnswerKind",
    },
    # The docs page's assets are served from our own static files: no CDN on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail 8 runs its own background work (search and reference index updates)
        # through django-tasks; the immediate backend logs every task at INFO.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # WeasyPrint (the letters' PDF, cases.letters) logs each step of every PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pymorphy3 (names in letters, intranet.names) logs where its dictionaries are.
        "pymorphy3": {"level": "WARNING"},
    },
}

# --- cases ---
# The deadline policy itself is in cases/deadlines.py; these switch its options.
# A deadline on a non-working day moves to the "preceding" (default) or "following"
# working day: the default of the terms without their own shift (cases/deadlines.py).
CASES_DEADLINE_SHIFT = os.environ.get("CASES_DEADLINE_SHIFT", "preceding")
# At most this many questions from one client in an hour (cases.services.intake; 0: no
# limit): a flood stops at the form with a Russian message saying when to try again.
CASES_SUBMISSIONS_PER_HOUR = int(os.environ.get("CASES_SUBMISSIONS_PER_HOUR", "10"))
# "preceding" moves a last day back at most this many days; further, it moves forward.
CASES_SHIFT_BACK_MAX_DAYS = 3
# Per-regime overrides of the day counts, e.g. {"internal": {"answer": (10, "working")}}.
CASES_REGIME_RULES: dict = {}
# Per-channel default regime overrides, e.g. {"email": "appeal"}.
CASES_CHANNEL_REGIMES: dict = {}
CASES_DUE_SOON_WORKING_DAYS = 3
CASES_AUTO_REGISTER_PORTAL = True
# The earliest date of receipt a registrar may give a message (the body's founding, or
# the start of its records): an earlier one is a typing error (cases.services).
CASES_EARLIEST_RECEIVED = "2000-01-01"
CASES_ATTACHMENT_MAX_SIZE = 20 * 1024 * 1024
CASES_ATTACHMENT_MAX_COUNT = 10
# Daily digest of cases due soon and overdue, to executors and heads (Moscow time).
CASES_DIGEST_HOUR = int(os.environ.get("CASES_DIGEST_HOUR", "8"))
# Notifications of a deadline (cases/notifications.py): this many working days before it,
# on the day, and once overdue; the beat task runs every day at this hour (Moscow time).
CASES_NOTIFY_DAYS_BEFORE = int(os.environ.get("CASES_NOTIFY_DAYS_BEFORE", "2"))
CASES_NOTIFY_DEADLINES_HOUR = int(os.environ.get("CASES_NOTIFY_DEADLINES_HOUR", "7"))
# Outgoing numbers of answers: ИСХ-2026-000001.
CASES_OUTGOING_PREFIX = "ИСХ"
# Plain-language assistant: the longest sentence without a warning; refusal grounds need
# at least this many explaining words besides references to acts.
CASES_PLAIN_MAX_SENTENCE_WORDS = 25
CASES_GROUNDS_MIN_WORDS = 4
# What a message, a comment and an answer may hold, in characters (cases/limits.py): a
# message's text, a reply to a clarification, an answer's text and refusal grounds, a
# covering letter; the client's comments and every other comment or reason typed on
# the desk. Longer documents go as attachments.
CASES_TEXT_MAX_CHARS = int(os.environ.get("CASES_TEXT_MAX_CHARS", "50000"))
CASES_COMMENT_MAX_CHARS = int(os.environ.get("CASES_COMMENT_MAX_CHARS", "10000"))

# --- knowledge base ---
INSTALLED_APPS += ["wagtail.contrib.table_block"]
# Moderation mail (submitted / approved / rejected) goes to the unit's heads and to the
# editor who submitted, not to every superuser.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Wagtail API v2 page size limit (/api/v2/kb/?limit=...).
WAGTAILAPI_LIMIT_MAX = 100
# Days an uploaded document nothing uses is kept before the daily cleanup deletes it
# (kb.attachments: abandoned uploads of the article editor).
KB_ORPHAN_DOCUMENT_GRACE_DAYS = int(os.environ.get("KB_ORPHAN_DOCUMENT_GRACE_DAYS", "7"))
# Other systems on /api/v2/kb/ (kb.integrations, docs/kb_api.md): requests a key may make
# (DRF's notation; a key's own limit wins), how long anonymous answers (public material)
# may be cached, and the webhooks' tries (backoff like the outbox's, doubling, at most
# an hour) and their answer timeout.
KB_API_KEY_RATE = os.environ.get("KB_API_KEY_RATE", "600/min")
KB_API_PUBLIC_MAX_AGE = int(os.environ.get("KB_API_PUBLIC_MAX_AGE", "60"))
KB_WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("KB_WEBHOOK_TIMEOUT_SECONDS", "10"))
# One name per choice set of the cases API schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "CaseReplyChannelEnum": "cases.choices.ReplyChannel",
        "CaseStatusEnum": "cases.choices.Status",
        # The `audience` of a case's body (cases/api.py): whose view of the case it is.
        "StaffAudienceEnum": ["staff"],
        "ClientAudienceEnum": ["client"],
        "OutOfViewAudienceEnum": ["out_of_view"],
        # The knowledge base's articles (kb.api, /api/v2/kb/).
        "ArticleKindEnum": "kb.serializers.KINDS",
        "ArticleAudienceEnum": "kb.serializers.AUDIENCES",
    }
)

# --- security ---
# What is protected how, and why each value: docs/security.md.
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]

# Sign-in throttling (django-axes): LOGIN_FAILURE_LIMIT failures for one username from
# one IP lock that pair out for LOGIN_LOCKOUT_MINUTES, even with the right password.
# The lockout backend comes first; a locked-out attempt never reaches the password check.
AUTHENTICATION_BACKENDS = [
    "intranet.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "audit/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Successful sign-ins are in our own audit log (intranet.audit); no second copy.
AXES_DISABLE_ACCESS_LOG = True
# Behind the TLS proxy REMOTE_ADDR is the proxy: with TRUSTED_PROXY_COUNT=1 the client
# address is taken from X-Forwarded-For as the proxy appended it (the proxy must
# overwrite, not pass on, a client-sent X-Forwarded-For).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Password reset (the admin's, by e-mail; docs/security.md "Password reset"): only for
# accounts with admin access; at most PASSWORD_RESET_LIMIT requests from one IP address
# and for one e-mail address, and as many mails to one account, in PASSWORD_RESET_MINUTES.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "intranet.accounts.forms.PasswordResetForm"
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "5"))
PASSWORD_RESET_WINDOW = timedelta(minutes=int(os.environ.get("PASSWORD_RESET_MINUTES", "60")))

# Sessions: not readable by scripts, not sent on cross-site requests, one working day.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
CSRF_COOKIE_SAMESITE = "Lax"
# The Wagtail admin takes the CSRF token from the page (wagtailConfig.CSRF_TOKEN and the
# forms' hidden field), never from the cookie, so scripts need not read it
# (tests/security/test_browser_csp.py saves an admin form with this on).
CSRF_COOKIE_HTTPONLY = True

# Headers on every response (SecurityMiddleware, XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Same-origin framing only: the Wagtail admin previews pages in an iframe.
X_FRAME_OPTIONS = "SAMEORIGIN"
# No staff e-mail hashes sent to an outside avatar service from the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Content-Security-Policy (django-csp 4). Our own pages load nothing from elsewhere and
# run no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail 8 admin still renders inline <script> elements (date pickers in filters
# and forms, inline panels) without nonces, and style="" attributes; drf-spectacular's
# Swagger page has an inline script and <style>. Those paths (and only those) get
# 'unsafe-inline' for scripts and styles, plus blob: images for upload previews
# (intranet.security.ContentSecurityPolicyMiddleware picks the policy by path).
CONTENT_SECURITY_POLICY_RELAXED_PREFIXES = ["/admin/", "/api/docs/"]
CONTENT_SECURITY_POLICY_RELAXED_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}

# Uploads: intranet/uploads.py checks extension, magic bytes and size for every app.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # never svg
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
# intranet.uploads.DocumentForm plus the rule that a live article's file stays as approved.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "kb.document_forms.DocumentForm"
# Every document, PDF included, is downloaded, never shown inline in our origin; Wagtail
# adds "Content-Security-Policy: default-src 'none'" and nosniff to each one served.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True

# --- search ---
# One staff search (search/). The database backend has Russian morphology on every
# database: PostgreSQL full text with SEARCH_CONFIG ("russian"), SQLite FTS5 with the
# Snowball Russian stemmer (search.backends.sqlite). Only one database backend may be
# configured. With ELASTICSEARCH_URL, Elasticsearch is the default backend and the
# database backend ("database") is kept up to date beside it: searching falls back to it
# while Elasticsearch is unreachable.
SEARCH_DATABASE_BACKEND = {
    "BACKEND": "search.backends.database",
    "SEARCH_CONFIG": os.environ.get("SEARCH_CONFIG", "russian"),
}
RUSSIAN_ANALYSIS = {
    "analysis": {
        "filter": {
            "russian_stop": {"type": "stop", "stopwords": "_russian_"},
            "russian_stemmer": {"type": "stemmer", "language": "russian"},
        },
        "analyzer": {
            "default": {
                "tokenizer": "standard",
                "filter": ["lowercase", "russian_stop", "russian_stemmer"],
            },
        },
    }
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            # search.backends.elasticsearch8 for an Elasticsearch 8 cluster.
            "BACKEND": "search.backends.elasticsearch"
            + os.environ.get("ELASTICSEARCH_VERSION", "9"),
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "intranet_"),
            "TIMEOUT": 5,
            # The backend adds the domain synonyms and the search analyzer using them.
            "INDEX_SETTINGS": {"settings": {"index": RUSSIAN_ANALYSIS}},
        },
        "database": SEARCH_DATABASE_BACKEND,
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": SEARCH_DATABASE_BACKEND}
# Results per page of a tab, and how long searching skips an Elasticsearch that just
# failed (the database answers meanwhile).
SEARCH_PAGE_SIZE = 20
SEARCH_ENGINE_RETRY_SECONDS = 30
# How many matching cases a search counts at most on the database backends: beyond, the
# count reads «более N» and the facets are those of the first N (search.services.facets);
# 0 counts every match.
SEARCH_COUNT_CAP = int(os.environ.get("SEARCH_COUNT_CAP", "5000"))
# The text one search document may hold, in UTF-8 bytes, all its fields together
# (search/limits.py): PostgreSQL refuses a tsvector over 1 MB, and a vector takes up to
# 2.9 times its text. Text beyond it is left out of the index only.
SEARCH_DOCUMENT_MAX_BYTES = int(os.environ.get("SEARCH_DOCUMENT_MAX_BYTES", str(256 * 1024)))
