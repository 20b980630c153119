"""Settings for the directory project.

Everything that differs between environments comes from environment variables;
see README.md for the list. Django's defaults are not restated.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# The fallback key starts with "django-insecure-" so `check --deploy` flags it.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "django-insecure-local-development-key-do-not-use-in-production",
)
DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    # Django's admin with the site in directory/admin.py.
    "directory.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # The task queue's table and its worker, `manage.py db_worker`.
    "django_tasks_db",
    "core",
    # Ground floor, then each floor above it (docs/architecture.md).
    "therapists",
    "clinicians",
    "verification",
    "interviews",
    "reviews",
    "recommendations",
    "shortlist",
    "profiles",
    "states",
    "dashboard",
    "corrections",
    "api",
    "hsds",
    "accounts",
    "demo",
]

# The shared cache: every worker reads the same site mean (therapists.ranking)
# and the same rate-limit counts (core.ratelimit) from it. A database table by
# default (created by `migrate`), so nothing more is needed to run the site;
# Redis when REDIS_URL is set.
#
# "read-limits" counts the limits on reads (the API's per IP): Redis too when
# REDIS_URL is set; else each worker's own memory, so that a read never writes
# to the database (on SQLite a write takes the one write lock), at the price of
# a limit counted per worker rather than across them.
#
# "pages" keeps rendered pages (profiles.page_cache: keyed by the versions of
# what they show, so never stale): Redis too when REDIS_URL is set, else each
# worker's memory, for the same reason, up to PAGES_KEPT pages each. "cards"
# keeps the search page's result cards the same way (therapists.cards), up to
# CARDS_KEPT in each worker's memory (about 3 KB a card), or in REDIS_PAGES_URL's
# Redis when it is set: a card is kept per search, and visitors choose searches,
# so cards never share a Redis with the rate-limit counts and sessions.
PAGES_KEPT = 500
CARDS_KEPT = 5000
if os.environ.get("REDIS_URL"):
    REDIS_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # Seconds: a Redis that accepts and never answers must not hold a
        # request (or /readyz) for long.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    CACHES = {
        "default": REDIS_CACHE,
        "read-limits": {**REDIS_CACHE, "KEY_PREFIX": "read-limits"},
        # A Redis of its own when REDIS_PAGES_URL is set: a crawl of every
        # profile then evicts pages, never the limits' counts or sessions.
        "pages": {
            **REDIS_CACHE,
            "LOCATION": os.environ.get("REDIS_PAGES_URL", os.environ["REDIS_URL"]),
            "KEY_PREFIX": "pages",
        },
    }
    # Sessions read from Redis and written through to the database, so a Redis
    # flush or restart logs nobody out. Without Redis: database sessions.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        },
        "read-limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": PAGES_KEPT},
        },
    }
CACHES["cards"] = (
    {**REDIS_CACHE, "LOCATION": os.environ["REDIS_PAGES_URL"], "KEY_PREFIX": "cards"}
    if os.environ.get("REDIS_PAGES_URL") and os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cards",
        "OPTIONS": {"MAX_ENTRIES": CARDS_KEPT},
    }
)

# Background tasks (django.tasks): every email (core.notifications) is sent by
# a worker, `manage.py db_worker`, which `make run` starts beside the server.
# The queue is a database table, with or without REDIS_URL: django-tasks-rq
# runs on the django-tasks backport, not Django's own framework, and the other
# Redis backends are too young to trust with every mail.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /readyz fails when a task due to run has waited longer than this (seconds).
TASKS_MAX_WAIT = int(os.environ.get("DJANGO_TASKS_MAX_WAIT", "300"))
# A mail claimed by a worker this many seconds ago and not marked sent belongs
# to a dead worker; `requeue_stalled_mail` sends it again (core.notifications).
# Far longer than DJANGO_SMTP_TIMEOUT; `make test-cluster` makes it short.
MAIL_CLAIM_SECONDS = int(os.environ.get("DJANGO_MAIL_CLAIM_SECONDS", "600"))

MIDDLEWARE = [
    # Before anything reads it: the client's address behind a trusted proxy.
    "core.proxies.TrustedProxyMiddleware",
    # Then: every log line of the request carries its id (core.requestlog),
    # and an oversized body is refused before anything reads it.
    "core.requestlog.RequestLogMiddleware",
    "core.requestsize.RequestSizeMiddleware",
    # Counts and times requests; only loaded when DJANGO_METRICS is on.
    "core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.StaffIdleTimeoutMiddleware",
    "core.middleware.PrivacyHeadersMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "therapists.context_processors.own_therapist",
            ],
        },
    },
]

WSGI_APPLICATION = "directory.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # With the default DEFERRED mode a read transaction that later writes
        # cannot take the write lock and fails with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA mmap_size=268435456;"
            "PRAGMA cache_size=-65536;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails /readyz in seconds, so the balancer
    # stops sending traffic, instead of every request hanging on the connect.
    # A connect_timeout in DATABASE_URL's query string wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Length and known-bad lists only, no rules on composition (OWASP ASVS 6.2.5,
# NIST SP 800-63B): "80451237966" is a fine password, "12345678" a common one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Outside development, WhiteNoise serves hashed, compressed copies made by
    # `collectstatic`; nothing is ever fetched from a CDN.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.static.StaticFilesStorage"
        )
    },
}
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Credential evidence is never served from MEDIA_URL; only permission-checked
# views read it.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private")
)
# Credential evidence is read through the "private" storage alias
# (core.storage.private_storage): PRIVATE_MEDIA_ROOT on local disk by default.
STORAGES["private"] = {"BACKEND": "core.storage.PrivateMediaStorage"}

# Object storage, for several app servers (issue 18). Each bucket is off unless
# named; credentials come from the standard AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY environment variables, never from this file.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
S3_PRIVATE_BUCKET = os.environ.get("DJANGO_S3_PRIVATE_BUCKET", "")
_S3_CONNECTION = {
    # MinIO, moto or any S3-compatible service; AWS itself when unset.
    "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("DJANGO_S3_REGION") or None,
}
# Where the public bucket's URLs point (its origin), for the CSP's img-src: a
# custom domain (a CDN), else the endpoint (path-style URLs), else AWS's own.
S3_CUSTOM_DOMAIN = os.environ.get("DJANGO_S3_CUSTOM_DOMAIN", "")
S3_MEDIA_ORIGIN = (
    f"https://{S3_CUSTOM_DOMAIN}"
    if S3_CUSTOM_DOMAIN
    else (
        _S3_CONNECTION["endpoint_url"] or f"https://{S3_BUCKET}.s3.amazonaws.com"
    ).rstrip("/")
)
if S3_BUCKET:
    # Photos (under unguessable names) and the open-data zip: public objects,
    # so their URLs are plain and cacheable (no signature expiring in a page).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_CONNECTION,
            "bucket_name": S3_BUCKET,
            "default_acl": "public-read",
            "querystring_auth": False,
            "custom_domain": S3_CUSTOM_DOMAIN or None,
            # hsds.download replaces its zip in one PUT under the same name.
            "file_overwrite": True,
            # The zip read back for a download spools to disk past 2 MB.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
if S3_PRIVATE_BUCKET:
    # Evidence: private objects with no URL at all, streamed to its owner and
    # staff by dashboard.views.evidence_download.
    STORAGES["private"] = {
        "BACKEND": "core.s3.PrivateS3Storage",
        "OPTIONS": {**_S3_CONNECTION, "bucket_name": S3_PRIVATE_BUCKET},
    }


# Axes refuses a locked-out log-in before ModelBackend hashes any password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in lockout (accounts/throttling.py): the 5th failure within 15 minutes
# for one account (from any IP), or from one IP (for any account), locks it
# for 15 minutes after its last failure, on /accounts/login/ and /admin/login/.
# Attempts while locked are refused before any password is hashed and do not
# extend the lock.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.throttling.username_of"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# Successful log-ins are not stored (the "security" log has the lockouts).
AXES_DISABLE_ACCESS_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
# A link in a confirmation or password-reset email stays valid for three days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# The public JSON API (api/): read-only, the same for everyone (no
# authentication, so responses can be cached), JSON only, limited per client
# IP in the shared cache (api.throttling; DJANGO_API_RATE, e.g. "120/minute",
# "off" for none), errors as {"detail": ..., "errors": {field: [...]}}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientIPThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("DJANGO_API_RATE", "120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Back Care Directory API",
    "DESCRIPTION": (
        "Read-only public data of the directory of massage therapists for back "
        "pain: the search (the same parameters, ranking and pages as /therapists/), "
        "one therapist's public profile, their published reviews and the taxonomies."
        " The same for everyone, no key needed. Answers carry an ETag "
        "(If-None-Match gives a 304) and Cache-Control; each address may make a "
        "limited number of requests a minute (then a 429 with Retry-After). Every "
        'error is JSON: {"detail": ..., "errors": {parameter: [messages]}} (400).'
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "TAGS": [
        {"name": "therapists", "description": "The search, profiles, reviews."},
        {"name": "search values", "description": "What each parameter takes."},
        {"name": "index", "description": "Links to everything."},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.taxonomy_enums",
    ],
}

# Email: printed to the console in development, readable and with every link
# whole (core.devmail); outside it, sent over SMTP (DJANGO_SMTP_HOST, default
# the local mail server).
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Back Care Directory <no-reply@backcare.example>"
)
# Where the site is, for links in mail sent outside a request (the daily
# `remind_stale_details` job).
SITE_ADDRESS = os.environ.get("DJANGO_SITE_ADDRESS", "http://127.0.0.1:8000")
if os.environ.get("DJANGO_SMTP_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_SMTP_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_SMTP_PORT", "25")),
                "username": os.environ.get("DJANGO_SMTP_USER", ""),
                "password": os.environ.get("DJANGO_SMTP_PASSWORD", ""),
                "use_tls": env_flag("DJANGO_SMTP_TLS"),
                # Seconds: a mail server that accepts and never answers must
                # not hold a request (core.notifications logs the failure).
                "timeout": int(os.environ.get("DJANGO_SMTP_TIMEOUT", "10")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "core.devmail.ReadableConsoleBackend"}}

# Logging: one JSON line per event on stderr (core.logging), each with the
# request's id and the user's id; never a request body, password or token.
# Every 500 comes with its traceback (the "django.request" logger). The
# "security" logger records lockouts, limits hit, refusals (403) and bodies
# too large, each line named by its "event".
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "core.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "json",
        }
    },
    "root": {
        "handlers": ["stderr"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        # Through the root's handler instead of Django's console and mail ones.
        "django": {"handlers": [], "level": "INFO"},
        "security": {"level": "INFO"},
        # Axes narrates every attempt at INFO; its lockouts reach "security".
        "axes": {"level": "WARNING"},
    },
}

# Uploads: photos are at most 5 MB and evidence 10 MB; anything over 5 MB is
# streamed to a temporary file and then refused by the form.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies (core.requestsize): at most 1 MB anywhere, refused with a 413
# before they are read; only the upload pages accept more, up to their file's
# limit plus 1 MB for the rest of the form and the multipart framing.
REQUEST_BODY_MAX_BYTES = 1024 * 1024
PHOTO_BODY_MAX_BYTES = 6 * 1024 * 1024
EVIDENCE_BODY_MAX_BYTES = 11 * 1024 * 1024
# Staff upload board rosters (verification.forms.RosterImportForm: 20 MB).
ROSTER_BODY_MAX_BYTES = 21 * 1024 * 1024
UPLOAD_BODY_MAX_BYTES = {
    "dashboard:photo": PHOTO_BODY_MAX_BYTES,
    "dashboard:credential-add": EVIDENCE_BODY_MAX_BYTES,
    "dashboard:credential-edit": EVIDENCE_BODY_MAX_BYTES,
    "admin:therapists_therapist_add": PHOTO_BODY_MAX_BYTES,
    "admin:therapists_therapist_change": PHOTO_BODY_MAX_BYTES,
    "admin:verification_credential_add": EVIDENCE_BODY_MAX_BYTES,
    "admin:verification_credential_change": EVIDENCE_BODY_MAX_BYTES,
    "verification:roster-new": ROSTER_BODY_MAX_BYTES,
}
# What Django itself holds in memory of a form (files aside), and how many
# fields and files one request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# Security. With DJANGO_DEBUG off, `check --deploy --fail-level WARNING` passes.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# The messages cookie is `__Host-` prefixed like the two below (core/messages.py).
MESSAGE_STORAGE = "core.messages.PrefixedFallbackStorage"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Over HTTPS the browser only accepts these cookies when set by this very host
# over TLS, with Path=/ and no Domain.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# A staff member's session ends after 30 minutes without a request
# (core.middleware.StaffIdleTimeoutMiddleware); others last Django's two weeks.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
# Sent on every response (core.middleware.PrivacyHeadersMiddleware): the site
# uses none of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# Load balancers and Prometheus probe the app servers over plain HTTP
# (core.views): these answer without the redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Seconds a readiness check may take (core.health).
READINESS_TIMEOUT = 2
# Prometheus metrics at /metrics (core.metrics): off unless DJANGO_METRICS is
# on; read with DJANGO_METRICS_TOKEN as a bearer token, or without a token
# only from loopback.
METRICS_ENABLED = env_flag("DJANGO_METRICS")
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")
# The proxies in front (nginx) whose X-Forwarded-For names the client
# (core.proxies): addresses or CIDR ranges, e.g. "127.0.0.1" or "10.0.0.0/8".
# Empty: REMOTE_ADDR is the client, as when gunicorn faces the internet.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "")
if env_flag("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only our own files; no inline scripts or styles (a
# script that must be inline carries the request's nonce).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # The search page's map draws OpenStreetMap tiles (static/js/map.js).
    "img-src": [CSP.SELF, "data:", "https://tile.openstreetmap.org"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if S3_BUCKET:
    # Photos are shown from the public bucket.
    SECURE_CSP["img-src"].append(S3_MEDIA_ORIGIN)
