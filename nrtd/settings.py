"""NRTD settings: one module, driven by environment variables (see docs/configuration.md).

``NRTD_MODE`` picks the defaults: ``production`` (the default, refuses to start without its
secrets), ``development`` (``make run``) or ``test`` (the test suite).
"""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nrtd.envtools import (
    database_config,
    envbool,
    envfloat,
    envint,
    envlist,
    envsecret,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("NRTD_DATA_DIR", str(BASE_DIR / ".data")))

MODE = envstr("NRTD_MODE", "production")
if MODE not in {"production", "development", "test"}:
    raise ImproperlyConfigured(f"NRTD_MODE must be production, development or test, not {MODE!r}")
PRODUCTION = MODE == "production"
TESTING = MODE == "test"

DEBUG = envbool("DEBUG", MODE == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production mode")

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    # Development and tests only: a fixed, obviously unsafe key.
    SECRET_KEY = "nrtd-development-key-not-for-production-" + "x" * 20

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the site is served on")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must come before the admin-less contrib apps it patches.
    "modeltranslation",
    "nrtd",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "django_scopes",
    # The project's apps, lowest layer first (docs/architecture.md; the lint step checks it).
    "tenants",
    "recommendations",
    "imports",
    "followup",
    "reporting",
    "consultation",
    "portal",
    "console",
    "workspace",
]

MIDDLEWARE = [
    # A body declared over the limit answers 413 at once, before anything reads it.
    "nrtd.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the session verified (request.user.is_verified()) once a code was given at sign-in.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A signed-in session idle for NRTD_SESSION_IDLE_MINUTES is signed out (beside SESSION_COOKIE_AGE).
    "tenants.middleware.IdleSessionMiddleware",
    # A NUL or another control character in the path, a query parameter, a header or a form
    # field: 400 before any view reads it (nrtd.inputs). After the language and the user are
    # known (the page is in the person's language), before anything reads the session's cookie.
    "nrtd.inputs.ControlCharacterMiddleware",
    # Every page asked for without signing in counts against the client's "page" limit.
    "nrtd.ratelimit.AnonymousRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Anonymous portal search pages from the cache, before the State, the session or a view is read.
    "portal.cache.PortalCacheMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.HistoryContextMiddleware",
    # Platform administrators must sign in with a code: sent to set it up until they do.
    "tenants.middleware.PlatformTwoFactorMiddleware",
    "tenants.middleware.StateMiddleware",
    # Axes last, as its documentation asks, so it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Production serves collected static files itself; development and tests use Django's
    # finders (runserver, the live server of the browser tests).
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "nrtd.urls"
WSGI_APPLICATION = "nrtd.wsgi.application"
ASGI_APPLICATION = "nrtd.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.nrtd",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL is the application's role: not superuser, not BYPASSRLS, not the tables' owner;
# row-level security holds it to the transaction's State whatever SQL it runs.
# DATABASE_OWNER_URL is the role that owns the tables and runs migrations (manage.py migrate
# uses it). DATABASE_PLATFORM_URL is the role of work that spans States (the console's figures,
# provisioning, archives, cross-State reminders: tenants.scoping.cross_state_access), the only
# role besides the owner that row-level security lets through. See docs/tenancy.md.
_database_url = envsecret("DATABASE_URL")
if not _database_url:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set in production")
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` or `make test`, which start an embedded "
        "PostgreSQL and set it for you, or export DATABASE_URL yourself."
    )
_owner_url = envsecret("DATABASE_OWNER_URL")
_platform_url = envsecret("DATABASE_PLATFORM_URL")
if PRODUCTION and not (_owner_url and _platform_url):
    raise ImproperlyConfigured("DATABASE_OWNER_URL and DATABASE_PLATFORM_URL must be set in production")
_owner_url = _owner_url or _database_url
# Development without a platform role of its own: the owner does cross-State work.
_platform_url = _platform_url or _owner_url
DATABASES = {
    "default": database_config(_database_url, name="DATABASE_URL"),
    "owner": database_config(_owner_url, name="DATABASE_OWNER_URL"),
    "platform": database_config(_platform_url, name="DATABASE_PLATFORM_URL"),
}
if PRODUCTION and DATABASES["default"]["USER"] in {DATABASES["owner"]["USER"], DATABASES["platform"]["USER"]}:
    raise ImproperlyConfigured("DATABASE_URL must name a role of its own, neither the owner nor the platform role")
# Where cross_state_access sends its queries. Tests run in one transaction on one connection
# (each test's is rolled back), which a second connection could not see into: there the test
# connection logs in as a role that may take on both the application's and the platform's role
# (NRTD_TEST_LOGIN_URL, made by `make test`), works as the application's role
# (``assume_role``), and cross_state_access switches it to the platform role for the
# transaction. The wall's own tests connect as the real application role (tests/tenants/test_wall.py).
CROSS_STATE_DATABASE = "platform"
if TESTING:
    _test_login_url = envsecret("NRTD_TEST_LOGIN_URL")
    if not _test_login_url:
        raise ImproperlyConfigured("NRTD_TEST_LOGIN_URL is not set: run the tests with `make test`")
    APPLICATION_DATABASE = dict(DATABASES["default"])
    DATABASES["default"] = database_config(_test_login_url, name="NRTD_TEST_LOGIN_URL")
    DATABASES["default"]["OPTIONS"]["assume_role"] = APPLICATION_DATABASE["USER"]
    CROSS_STATE_DATABASE = "default"
# A web process (nrtd/wsgi.py sets NRTD_PROCESS=web) gives each statement at most
# NRTD_WEB_STATEMENT_TIMEOUT ms, so a stuck query answers an error rather than holding a worker of
# gunicorn for ever; workers and commands (long imports) have none. Both connect within
# DATABASE_CONNECT_TIMEOUT seconds.
NRTD_WEB_STATEMENT_TIMEOUT = envint("NRTD_WEB_STATEMENT_TIMEOUT", 30_000)
for _alias, _config in DATABASES.items():
    _config["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)
    _config["CONN_HEALTH_CHECKS"] = True
    _config["OPTIONS"].setdefault("connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 5))
    if os.environ.get("NRTD_PROCESS") == "web" and NRTD_WEB_STATEMENT_TIMEOUT and _alias != "owner":
        _options = _config["OPTIONS"].get("options", "")
        _config["OPTIONS"]["options"] = f"{_options} -c statement_timeout={NRTD_WEB_STATEMENT_TIMEOUT}".strip()
    _config["TEST"] = {"NAME": envstr("NRTD_TEST_DATABASE_NAME", "test_nrtd")}
DATABASE_ROUTERS = ["nrtd.db.OwnerMigratesRouter"]
# Backups (docs/operations.md): manage.py backup reads as DATABASE_BACKUP_URL (the nrtd_backup
# role: reads everything, BYPASSRLS) and manage.py restore writes as DATABASE_ADMIN_URL (a
# superuser of the target server); neither is a connection of the running site.
DATABASE_BACKUP_URL = envsecret("DATABASE_BACKUP_URL")
DATABASE_ADMIN_URL = envsecret("DATABASE_ADMIN_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ----------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
# Redis is a cache the site can do without (nrtd/cache.py): each call gives up after
# NRTD_REDIS_TIMEOUT seconds, and after a failure a process leaves Redis alone for
# NRTD_REDIS_RETRY_SECONDS (misses, rate limits open) rather than wait on it at every call.
NRTD_REDIS_TIMEOUT = envfloat("NRTD_REDIS_TIMEOUT", 0.5)
NRTD_REDIS_RETRY_SECONDS = envint("NRTD_REDIS_RETRY_SECONDS", 5)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "nrtd.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 10)
# Signed-in sessions (platform administrators and State members: everyone who signs in) end after
# this many minutes without a request (tenants.middleware.IdleSessionMiddleware); 0: no idle limit.
NRTD_SESSION_IDLE_MINUTES = envint("NRTD_SESSION_IDLE_MINUTES", 30)

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling: after AXES_FAILURE_LIMIT failures for one user name from one address, that
# combination waits AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address, for the rate limits and axes alike (nrtd.ratelimit.client_ip): the peer's,
# unless NRTD_TRUSTED_PROXY_COUNT proxies stand in front (each appending to X-Forwarded-For);
# NRTD_TRUSTED_PROXIES (addresses or networks) then names the peers whose header is believed.
NRTD_TRUSTED_PROXY_COUNT = envint("NRTD_TRUSTED_PROXY_COUNT", envint("AXES_PROXY_COUNT", 0))
try:
    NRTD_TRUSTED_PROXIES = [ip_network(value, strict=False) for value in envlist("NRTD_TRUSTED_PROXIES", [])]
except ValueError as exc:
    raise ImproperlyConfigured(f"NRTD_TRUSTED_PROXIES must list addresses or networks: {exc}") from exc
AXES_CLIENT_IP_CALLABLE = "nrtd.ratelimit.axes_client_ip"
# Password spraying: sign-in failures from one client address, whatever the user names tried,
# before that address waits (NRTD_RATE_LIMITS["signin_failures"] below).

# Two-factor sign-in (django-otp, docs/security.md): codes from an authenticator app (TOTP) and
# one-time recovery codes. After a wrong code the next try waits 1, 2, 4, 8... seconds.
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "NRTD")
OTP_TOTP_THROTTLE_FACTOR = envint("OTP_TOTP_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = envint("OTP_STATIC_THROTTLE_FACTOR", 1)
# How long the code step of a sign-in waits after the password step, in seconds.
NRTD_TWO_FACTOR_PENDING_SECONDS = envint("NRTD_TWO_FACTOR_PENDING_SECONDS", 300)

# Support mode (docs/platform.md): how long a platform administrator's session inside a State
# lasts at most, and how many pages of one session are logged for the State's administrators.
SUPPORT_SESSION_LENGTH = timedelta(minutes=envint("NRTD_SUPPORT_SESSION_MINUTES", 120))
SUPPORT_ACCESS_LIMIT = envint("NRTD_SUPPORT_ACCESS_LIMIT", 500)

# People of a State (docs/people.md): how many days an invitation's link works; the address a
# member of a suspended or archived State is told to write to (the hosting office); how many
# history entries one export of a State's log may hold.
NRTD_INVITATION_DAYS = envint("NRTD_INVITATION_DAYS", 14)
NRTD_HOSTING_CONTACT = envstr("NRTD_HOSTING_CONTACT", "")
NRTD_STATE_LOG_EXPORT_MAX = envint("NRTD_STATE_LOG_EXPORT_MAX", 100_000)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Formats of dates and numbers Django lacks or has wrong for a language (nrtd/formats/).
FORMAT_MODULE_PATH = ["nrtd.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-hans")
# A text entered in one language shows in every other until someone translates it: better the
# original than a blank.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": MODELTRANSLATION_LANGUAGES}
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
NRTD_MAX_UPLOAD_BYTES = envint("NRTD_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# A request body declared longer than this is refused (413) before it is read
# (nrtd.middleware.RequestSizeMiddleware): the largest upload and a little for the form around it.
NRTD_MAX_REQUEST_BYTES = envint("NRTD_MAX_REQUEST_BYTES", NRTD_MAX_UPLOAD_BYTES + 1024 * 1024)
# A preview of an import reads at most so many records, for at most so many seconds (0: no
# limit); the import itself, once confirmed, reads the whole file (imports.runs).
NRTD_PREVIEW_MAX_ROWS = envint("NRTD_PREVIEW_MAX_ROWS", 50_000)
NRTD_PREVIEW_SECONDS = envint("NRTD_PREVIEW_SECONDS", 30)
# Each evidence file of a progress update (followup.evidence).
NRTD_MAX_EVIDENCE_BYTES = envint("NRTD_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024)

# --- The public portal --------------------------------------------------------------------------
# Requests per client address and window (seconds) before 429: searches (portal pages), exports,
# the public API. 0 turns a limit off.
NRTD_RATE_LIMITS = {
    "search": (envint("NRTD_RATE_SEARCH", 120), 60),
    "export": (envint("NRTD_RATE_EXPORT", 10), 60),
    "api": (envint("NRTD_RATE_API", 120), 60),
    # Submissions to a consultation (posts of its form), an hour's window.
    "submit": (envint("NRTD_RATE_SUBMIT", 10), 3600),
    # Any page asked for without signing in (nrtd.ratelimit.AnonymousRateLimitMiddleware).
    "page": (envint("NRTD_RATE_PAGE", 300), 60),
    # The workspace's exports (the list, the State's log, a discussion).
    "workspace_export": (envint("NRTD_RATE_WORKSPACE_EXPORT", 30), 60),
    # The State API and /api/v1/me/, signed in or with a token.
    "state_api": (envint("NRTD_RATE_STATE_API", 600), 60),
    # Sign-in failures from one client address across every user name (password spraying),
    # beside axes' lock of one user name from one address; a quarter of an hour's window.
    "signin_failures": (envint("NRTD_RATE_SIGNIN_FAILURES", 30), 900),
    # Password links asked for one e-mail address, and by one client address, in an hour.
    "reset_address": (envint("NRTD_RATE_RESET_ADDRESS", 3), 3600),
    "reset_client": (envint("NRTD_RATE_RESET_CLIENT", 10), 3600),
}
# The most rows one portal export holds.
NRTD_PORTAL_EXPORT_MAX = envint("NRTD_PORTAL_EXPORT_MAX", 50_000)
# How long an anonymous search page is kept (its key changes as soon as published data changes).
NRTD_PORTAL_CACHE_SECONDS = envint("NRTD_PORTAL_CACHE_SECONDS", 300)

# --- Consultation (docs/consultation.md) ---------------------------------------------------------
# How long the author of a comment may still change it.
NRTD_COMMENT_EDIT_WINDOW = timedelta(minutes=envint("NRTD_COMMENT_EDIT_MINUTES", 15))
# The most submissions one client address may send to one consultation (0: no maximum).
NRTD_CONSULTATION_MAX_PER_ADDRESS = envint("NRTD_CONSULTATION_MAX_PER_ADDRESS", 20)

# --- The UHRI API (optional) ---------------------------------------------------------------------
# Where a State's recommendations can be fetched from; without a URL the workspace offers no
# fetch. The token is sent as the Authorization header. See docs/imports.md.
UHRI_API_URL = envstr("UHRI_API_URL", "")
UHRI_API_TOKEN = envsecret("UHRI_API_TOKEN")
UHRI_API_PAGE_SIZE = envint("UHRI_API_PAGE_SIZE", 100)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "NRTD <nrtd@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The health checks are probed over plain HTTP by the load balancer inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if envbool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: no inline script or style anywhere, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns an anonymous call into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # Per client address (NRTD_RATE_LIMITS["state_api"]); the public API has its own limit.
    "DEFAULT_THROTTLE_CLASSES": ["nrtd.ratelimit.StateAPIThrottle"],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON as DRF reads it, refusing control characters in any string (nrtd.inputs).
    "DEFAULT_PARSER_CLASSES": [
        "nrtd.inputs.CheckedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NRTD API",
    "DESCRIPTION": "National Recommendations Tracking Database: a State's recommendations and their follow-up.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every status the API answers, not only success (nrtd.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nrtd.schema.add_error_responses",
    ],
}

# --- Celery ------------------------------------------------------------------------------------
# Production: Redis. Development without Redis: kombu's file-system transport in .data/broker.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://" if not PRODUCTION else None)
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production (redis://...)")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis as the broker: a worker that waits for it for ever (at start and after losing it),
    # sockets that give up (a publish from a request fails within NRTD_BROKER_TIMEOUT seconds
    # when Redis is down or frozen, and the upload says so), keepalive and health checks to
    # notice a dead connection. A job whose worker died is failed by the stale-job sweep
    # (tenants.heartbeat) long before the visibility timeout gives its message back.
    NRTD_BROKER_TIMEOUT = envfloat("NRTD_BROKER_TIMEOUT", 2)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": NRTD_BROKER_TIMEOUT,
        "socket_connect_timeout": NRTD_BROKER_TIMEOUT,
        "socket_keepalive": True,
        "health_check_interval": 25,
        "retry_on_timeout": False,
        "visibility_timeout": envint("NRTD_BROKER_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # the worker waits for the broker for ever
CELERY_BROKER_CONNECTION_TIMEOUT = envfloat("NRTD_BROKER_TIMEOUT", 2)
# A publish does not retry (redis-py reconnects a connection that died by itself): with Redis
# frozen it fails after NRTD_BROKER_TIMEOUT (2.0 s measured; one retry made it 6 s), with Redis
# down at once, and the caller hears of it (tenants.jobs.enqueue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Celery 5.7.0's consumer crashes the worker when Redis goes away during a job (nrtd/celery_worker.py).
CELERY_WORKER_CONSUMER = "nrtd.celery_worker:Consumer"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Periodic work. Reminders run every hour; each reminder is sent once whatever the number of
# runs (followup.reminders keeps a log with a unique key), so a beat that runs twice is harmless.
CELERY_BEAT_SCHEDULE: dict = {
    "followup-reminders": {
        "task": "followup.tasks.reminders_task",
        "schedule": crontab(minute=envint("NRTD_REMINDERS_MINUTE", 5)),
    },
    # States' scheduled UHRI fetches (imports.schedule): each State claimed before it is queued,
    # so a beat that runs twice fetches nothing twice. Does nothing without UHRI_API_URL.
    "imports-uhri-schedules": {
        "task": "imports.tasks.uhri_schedules_task",
        "schedule": crontab(minute=envint("NRTD_UHRI_SCHEDULE_MINUTE", 20)),
    },
    # Jobs whose worker is gone, or that never started, marked failed (tenants.heartbeat).
    "stale-jobs": {"task": "tenants.tasks.stale_jobs_task", "schedule": float(envint("NRTD_JOB_SWEEP_SECONDS", 60))},
}

# --- Jobs that never stay "Waiting" or "Running" (tenants.heartbeat) ---------------------------
# The job rows; a running job writes its heartbeat every NRTD_JOB_HEARTBEAT_SECONDS; one silent
# for NRTD_JOB_STALE_SECONDS is failed (its worker is gone), and so is one waiting longer than
# NRTD_JOB_WAITING_LIMIT_SECONDS (its message was lost). Workers write their own heartbeat
# (nrtd.celery_worker) every NRTD_WORKER_HEARTBEAT_SECONDS; /readyz reads it.
NRTD_JOB_MODELS = ["imports.ImportJob", "reporting.ReportDraft"]
NRTD_JOB_HEARTBEAT_SECONDS = envfloat("NRTD_JOB_HEARTBEAT_SECONDS", 30)
NRTD_JOB_STALE_SECONDS = envint("NRTD_JOB_STALE_SECONDS", 180)
NRTD_JOB_WAITING_LIMIT_SECONDS = envint("NRTD_JOB_WAITING_LIMIT_SECONDS", 6 * 3600)
NRTD_WORKER_HEARTBEAT_SECONDS = envint("NRTD_WORKER_HEARTBEAT_SECONDS", 30)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # pgserver (the embedded PostgreSQL) tells of every start and stop at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
