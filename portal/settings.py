"""Settings for the client portal.

Everything that differs between machines comes from environment variables
(see the README's configuration table); the defaults are safe for a single
machine running ``make run``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.lib.addresses import parse_networks
from portal.lib.env import env, env_bool, env_int, env_list
from portal.lib.logs import logging_config
from portal.lib.mailconfig import mailers_from_url
from portal.lib.storage_url import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """The configured key, or one generated once and kept under var/ for this machine."""
    configured = env("DJANGO_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.core.apps.PortalAdminConfig",  # django.contrib.admin, signed in to as below
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # the REST API's library: its docs page's static files
    # Bottom to top: each app imports only those listed before it (see the README's
    # Layout section; `make lint` checks it).
    "portal.core",
    "portal.audit",
    "portal.notifications",
    "portal.webhooks",
    "portal.companies",
    "portal.accounts",
    "portal.commitments",
    "portal.tickets",
    "portal.intake",
    "portal.privacy",
    "portal.workspace",
    "portal.reports",
    "portal.api",
]

MIDDLEWARE = [
    # First in, last out: they time, and name, every response, redirects and errors too.
    "portal.core.metrics.MetricsMiddleware",
    "portal.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.lib.caching.NoStoreMiddleware",
    # Outside the session and messages: the redirect it rewrites carries their cookies.
    "portal.lib.script_submit.ScriptRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.audit.log.AuditContextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.LanguageMiddleware",
    # Before anything reads a body; after the language, for its 413 page.
    "portal.core.body.RequestBodyMiddleware",
    "portal.accounts.middleware.ForcePasswordChangeMiddleware",
    "portal.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Django's admin at /django-admin/ (superusers only, who sign in on the portal's own
# login page, throttled and audited); off (404) unless DJANGO_ADMIN=1.
DJANGO_ADMIN = env_bool("DJANGO_ADMIN", False)
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portal.core.context_processors.branding",
                "portal.notifications.context_processors.unread_notifications",
            ],
        },
    },
    {
        # The request pages' conversation (portal/tickets/jinja.py), included with {% jinja %}.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "portal" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.tickets.jinja.environment", "autoescape": True},
    },
]

# Django's widget templates written in Python, same HTML (portal/lib/renderers.py).
FORM_RENDERER = "portal.lib.renderers.FastWidgets"

# --- Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "portal.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes;
                # IMMEDIATE transactions avoid "database is locked" upgrades.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work: django.tasks with the database backend, so a task
# enqueued inside a transaction commits or rolls back with it.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- People and passwords.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Brazilian favourites too: senha123, mudar123, brasil2026, flamengo1981…
    {"NAME": "portal.accounts.validators.CommonBrazilianPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# "Esqueceu a Senha?" links expire after this many seconds (default 2 hours).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)
# Temporary passwords sent with an invitation stop working after this many hours.
# (Invitations now carry a link, below; this only ends passwords sent before.)
INVITATION_VALID_HOURS = env_int("INVITATION_VALID_HOURS", 72)
# An invitation's (or a new access's) one-time "Criar sua senha" link works this many days.
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 7)
# Login throttling, per source address (never per account, which anyone could lock):
# after this many failures in a row an address waits LOGIN_DELAY_BASE_SECONDS, twice as
# long after each further failure, up to LOGIN_DELAY_MAX_SECONDS (less than a day); it
# starts afresh after LOGIN_FAILURE_WINDOW_MINUTES without failing once its wait is over.
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 10)
LOGIN_DELAY_BASE_SECONDS = env_int("LOGIN_DELAY_BASE_SECONDS", 30)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 3600)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
# "Esqueceu a Senha?": at most this many links an hour for one e-mail, and requests an
# hour from one address; beyond them the page answers the same and sends nothing.
PASSWORD_RESET_EMAILS_PER_ADDRESS = env_int("PASSWORD_RESET_EMAILS_PER_ADDRESS", 3)
PASSWORD_RESET_REQUESTS_PER_SOURCE = env_int("PASSWORD_RESET_REQUESTS_PER_SOURCE", 20)
# Two-step verification (an authenticator app's code after the password) is optional for
# everyone; with this on, agents and admins must turn it on before any other page opens.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", False)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 60 * 60)
# Sessions are read from the cache and written through to the database when the cache is
# shared by every app server (REDIS_URL): no query per request. A per-process cache
# (locmem) would keep a signed-out session alive in the other workers, so without one
# they stay in the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script anywhere; the one inline style (the brand colour from
# settings) carries the per-response nonce.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Set PORTAL_HTTPS=1 when the portal is served over HTTPS (behind a proxy
# that sets X-Forwarded-Proto).
if env_bool("PORTAL_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Sent by the portal's own host, this covers only that host's subdomains.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a decision for the agency's whole domain, not for the
        # portal's host; the deploy check should not nag about it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Language and time.
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", _("Portuguese (Brazil)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
# Dates as Portuguese writes them: "10 de dezembro de 2026" (portal/formats/pt_BR).
FORMAT_MODULE_PATH = "portal.formats"
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", "America/Sao_Paulo")
USE_TZ = True

# --- Static and uploaded files.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Attachments: MEDIA_ROOT by default, or an S3-compatible bucket (portal/lib/storage_url.py).
_storage = storage_from_url(env("STORAGE_URL"))
ATTACHMENTS_DOWNLOAD = _storage.download
ATTACHMENTS_PRESIGN_SECONDS = _storage.presign_seconds
STORAGES = {
    "default": _storage.entry,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail.
EMAIL_URL = env("EMAIL_URL")
MAIL_DIR = VAR_DIR / "mail"
# Seconds a delivery waits for each answer of the mail server (Django's own
# EMAIL_TIMEOUT setting is not allowed next to MAILERS, hence only the variable).
MAILERS = mailers_from_url(EMAIL_URL, mail_dir=MAIL_DIR, timeout=env_int("EMAIL_TIMEOUT", 15))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Zwei Arts <atendimento@zweiarts.com.br>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Delivery attempts before a message is marked failed (backoff doubles each time).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 30)
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 3600)
# Ticket e-mails wait this long before they go, so that the events of that time on
# one request reach each person as one e-mail (an answer and a status change); 0: at once.
EMAIL_COALESCE_SECONDS = env_int("EMAIL_COALESCE_SECONDS", 60)
# Answers by e-mail. Notifications carry Reply-To with this address (empty:
# the DEFAULT_FROM_EMAIL address); the answers that arrive there are read from
# an IMAP mailbox (imaps://user:pass@host:993/INBOX; empty: not read) and/or
# posted by a mail provider to /notificacoes/entrada/ with this bearer token
# (empty: the endpoint answers 404).
INBOUND_EMAIL_ADDRESS = env("INBOUND_EMAIL_ADDRESS")
INBOUND_IMAP_URL = env("INBOUND_IMAP_URL")
INBOUND_EMAIL_TOKEN = env("INBOUND_EMAIL_TOKEN")
# An answer must come to its sender's reply address (a token in the Reply-To of
# each notification), or, from a client contact only, carry an
# Authentication-Results header of the receiving server with this authserv-id
# showing DKIM or DMARC passing for the From domain (empty: headers never trusted).
INBOUND_TRUSTED_AUTHSERV_ID = env("INBOUND_TRUSTED_AUTHSERV_ID")
# New requests by e-mail: a client contact's e-mail that names no request (and whose
# domain that server vouches for) opens one in this department, service and priority
# (names as in Configurações; empty: the first active one) with a Prazo this many days on.
EMAIL_REQUEST_DEPARTMENT = env("EMAIL_REQUEST_DEPARTMENT")
EMAIL_REQUEST_SERVICE = env("EMAIL_REQUEST_SERVICE")
EMAIL_REQUEST_PRIORITY = env("EMAIL_REQUEST_PRIORITY")
EMAIL_REQUEST_DEADLINE_DAYS = env_int("EMAIL_REQUEST_DEADLINE_DAYS", 7)
if EMAIL_REQUEST_DEADLINE_DAYS < 0:
    raise ImproperlyConfigured("EMAIL_REQUEST_DEADLINE_DAYS must be 0 or more")

# --- Webhooks (Configurações → Webhooks). Endpoints that resolve to private or local
# addresses are refused unless this is on (a receiver on this machine, the tests).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
# Seconds to connect, and to wait for each answer, before an attempt fails.
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)
# Attempts before a delivery is marked failed; the wait doubles after each one.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 30)
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 3600)

# --- The agency: name, logo and colour appear on every page and e-mail.
AGENCY_NAME = env("AGENCY_NAME", "Zwei Arts")
AGENCY_LOGO_URL = env("AGENCY_LOGO_URL", "")  # empty: the bundled logo
if AGENCY_LOGO_URL.startswith(("https://", "http://")):
    # A logo hosted elsewhere must be allowed by the Content-Security-Policy.
    SECURE_CSP["img-src"].append("/".join(AGENCY_LOGO_URL.split("/")[:3]))
AGENCY_COLOR = env("AGENCY_COLOR", "#5b2a86")
# Where `make run` (manage.py serve) listens.
HOST = env("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)
# Absolute address of the portal, used in e-mailed links. Never taken from the
# request's Host header, so a forged header cannot poison a reset link. Unset, it is
# the address `make run` listens on (127.0.0.1 when bound to every interface).
_LINK_HOST = "127.0.0.1" if HOST in {"", "0.0.0.0", "::"} else HOST  # noqa: S104
_LINK_HOST = f"[{_LINK_HOST}]" if ":" in _LINK_HOST else _LINK_HOST
PORTAL_BASE_URL = env("PORTAL_BASE_URL", f"http://{_LINK_HOST}:{PORT}").rstrip("/")

# /healthz reports the queue as stalled when the oldest waiting task is older.
HEALTHZ_QUEUE_MAX_AGE_SECONDS = env_int("HEALTHZ_QUEUE_MAX_AGE_SECONDS", 600)
# ... and e-mail delivery as stalled when the oldest e-mail not yet sent is older.
HEALTHZ_EMAIL_MAX_AGE_SECONDS = env_int("HEALTHZ_EMAIL_MAX_AGE_SECONDS", 900)

# Every line carries the id of its request (also in the X-Request-ID response header,
# and in the tasks the request enqueued); LOG_FORMAT=json writes one JSON object a line.
LOGGING = logging_config(
    log_format=env("LOG_FORMAT", "text").strip().lower(), level=env("LOG_LEVEL", "INFO")
)

# Reverse proxies in front of the portal (addresses or networks, e.g.
# 10.0.0.0/8,::1): only from them are X-Forwarded-For (the client's address, for login
# throttling and the audit log) and X-Request-ID believed. Empty: no header is.
TRUSTED_PROXIES = parse_networks(env_list("TRUSTED_PROXIES"))
# /metrics (Prometheus) answers only with this bearer token; empty: 404.
METRICS_TOKEN = env("METRICS_TOKEN")

# --- Requests.
# Attachments: at most this many files per submission, each at most this size.
# The most requests one bulk action in the queue changes at once.
BULK_MAX_REQUESTS = env_int("BULK_MAX_REQUESTS", 500)
ATTACHMENTS_MAX_FILES = env_int("ATTACHMENTS_MAX_FILES", 10)
ATTACHMENTS_MAX_BYTES = env_int("ATTACHMENTS_MAX_BYTES", 2 * 1024 * 1024)
# Larger request bodies are refused unread (413): the largest submission is every file
# at its limit (in base64 for answers by e-mail) plus this much for the rest of it.
REQUEST_BODY_MARGIN_BYTES = env_int("REQUEST_BODY_MARGIN_BYTES", 3 * 1024 * 1024)
# Uploads larger than this go to a temporary file as they arrive, and storage moves
# that file into place: ten 2 MB attachments are never held in a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
# A request the team concluded closes by itself when the client neither confirms
# nor answers within this many days.
REQUEST_AUTO_CLOSE_DAYS = env_int("REQUEST_AUTO_CLOSE_DAYS", 7)
# A closed request can be reopened by its client for this many days; later, a new
# request is opened from it.
REQUEST_REOPEN_DAYS = env_int("REQUEST_REOPEN_DAYS", 30)
REQUESTS_PER_PAGE = env_int("REQUESTS_PER_PAGE", 25)
# A search ranks only its best candidates (subject matches, then the latest activity) and
# says "more than N results" beyond them: a common word costs no more than a precise one.
SEARCH_MAX_RESULTS = env_int("SEARCH_MAX_RESULTS", 200)
# The lists' counts per status and the queue's Meus/Sem responsável are kept in the cache
# until a ticket or message changes (portal/tickets/counts.py): only when every app
# server shares it (REDIS_URL), or one worker would not hear of another's changes.
TICKET_COUNTS_CACHE = env_bool("TICKET_COUNTS_CACHE", bool(REDIS_URL))
TICKET_COUNTS_CACHE_SECONDS = env_int("TICKET_COUNTS_CACHE_SECONDS", 600)
# A Prazo is a date within this many years from today (no year 9999 by mistake).
DEADLINE_MAX_YEARS = env_int("DEADLINE_MAX_YEARS", 3)

# --- Privacy (LGPD).
# E-mails older than this many days keep no contents: those sent (or failed for good)
# lose their text, HTML, calendar and headers; answers received lose their sender,
# subject and refusal detail. What kind, to whom, when and the outcome stay
# (portal/privacy/retention.py).
DATA_RETENTION_DAYS = env_int("DATA_RETENTION_DAYS", 90)
if DATA_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("DATA_RETENTION_DAYS must be at least 1")

# --- Service commitments (PRAZOS DE ATENDIMENTO).
COMMITMENT_FIRST_RESPONSE_HOURS = env_int("COMMITMENT_FIRST_RESPONSE_HOURS", 24)
COMMITMENT_ADJUSTMENT_HOURS = env_int("COMMITMENT_ADJUSTMENT_HOURS", 24)
# While a request is in one of these statuses its clocks stop counting.
COMMITMENT_PAUSED_STATUSES = env_list("COMMITMENT_PAUSED_STATUSES", "waiting_client,stand_by")
# The delivery promise is a date the client chose; by default waiting does not move it
# (the team moves the deadline, with a reason, when the wait makes it unreachable).
COMMITMENT_PAUSE_DELIVERY = env_bool("COMMITMENT_PAUSE_DELIVERY", False)
# Warn the assignee this long before a clock runs out (and again when it has).
COMMITMENT_WARNING_MARGIN_HOURS = env_int("COMMITMENT_WARNING_MARGIN_HOURS", 4)
# Business calendar: count working time only (days 0=Monday … 6=Sunday, hours in TIME_ZONE),
# skipping Brazil's national holidays, a state's (HOLIDAYS_SUBDIVISION, e.g. SP) and
# extra dates such as a city's (HOLIDAYS_EXTRA, e.g. 2026-01-25,2026-07-09).
BUSINESS_CALENDAR = env_bool("BUSINESS_CALENDAR", False)
BUSINESS_DAYS = env("BUSINESS_DAYS", "0,1,2,3,4")
BUSINESS_HOURS = env("BUSINESS_HOURS", "09:00-18:00")
HOLIDAYS_SUBDIVISION = env("HOLIDAYS_SUBDIVISION", "")
HOLIDAYS_EXTRA = env("HOLIDAYS_EXTRA", "")

# --- REST API (/api/v1/): calls allowed per personal access token, as "N/s", "N/min",
# "N/hour" or "N/day"; beyond them it answers 429 with Retry-After.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "120/min")
