"""Settings, all read from the environment (see README "Configuration")."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from registry_site.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_proxy_header,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("REGISTRY_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. `make run` generates one in "
            "data/secret_key; set SECRET_KEY yourself in production."
        )
    # Local development: generate once and keep it beside the SQLite database.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "guardian",
    "ninja",
    "django_tasks_db",
    "registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "registry.security_headers.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "registry.api.method_not_allowed.JsonMethodNotAllowed",
    "registry.api.key_throttle.BadKeyThrottle",
]

ROOT_URLCONF = "registry_site.urls"
WSGI_APPLICATION = "registry_site.wsgi.application"

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
                "registry.views.errors.way_back",
            ],
        },
    },
]

SQLITE_ENGINE = "registry.backends.sqlite3"
POSTGRES_ENGINE = "registry.backends.postgresql"
_default_db = f"sqlite:///{DATA_DIR / 'registry.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db)
try:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
except Exception as exc:  # dj-database-url raises several types
    raise ImproperlyConfigured(f"DATABASE_URL={_db_url!r} is not a usable URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with writers queueing for their turn (see its module).
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    # Persistent connections (one per thread, as for PostgreSQL): opening one costs more
    # than the queries of a typical API request (Django registers its SQL functions and
    # runs the PRAGMAs below on every new connection).
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: writers take the lock at BEGIN, so read-then-write
        # transactions never fail half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.postgresql_psycopg2",
):
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {DATABASES['default']['ENGINE']}; only sqlite:// and postgres:// "
        "are supported."
    )
else:
    # Django's PostgreSQL backend, with a health check that needs no round trip (see its
    # module).
    DATABASES["default"]["ENGINE"] = POSTGRES_ENGINE
if DATABASES["default"]["ENGINE"] == POSTGRES_ENGINE and env_bool(
    "REGISTRY_DB_PREPARED_STATEMENTS", True
):
    # Server-side binding with prepared statements: PostgreSQL plans the hot queries
    # (API-key auth, resolving an alias) once per connection instead of per request;
    # planning cost more than executing them. Turn off behind a pooler in transaction
    # mode that cannot track prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
if DATABASES["default"]["ENGINE"] != SQLITE_ENGINE:
    # An unreachable database fails requests in seconds (a 503) rather than hanging them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("REGISTRY_DB_CONNECT_TIMEOUT", 5, minimum=1)
    )
# A persistent connection broken by a database restart is noticed before the request
# uses it, so nodes and workers recover by themselves (on PostgreSQL without a round
# trip, registry.backends.postgresql).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Blobs on S3-compatible object storage (AWS S3, MinIO, Ceph…), for several web nodes.
# Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
# an instance role…); they are never read or logged here.
if env_choice("REGISTRY_STORAGE", "local", ["local", "s3"]) == "s3":
    _bucket = env_str("REGISTRY_S3_BUCKET", "").strip()
    if not _bucket:
        raise ImproperlyConfigured(
            "REGISTRY_STORAGE=s3 needs REGISTRY_S3_BUCKET, the name of an existing bucket "
            "(and REGISTRY_S3_ENDPOINT_URL for a service other than AWS)."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env_str("REGISTRY_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": env_str("REGISTRY_S3_REGION", "").strip() or None,
            "location": env_str("REGISTRY_S3_PREFIX", "").strip("/ "),
            # Content-addressed: an object's name is its sha256, so rewriting it writes
            # the same bytes; no random suffixes, no existence check before each save.
            "file_overwrite": True,
            "default_acl": None,
        },
    }
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Registry behaviour
REGISTRY_ALLOW_TEAM_CREATION = env_bool("REGISTRY_ALLOW_TEAM_CREATION", True)
REGISTRY_PAGE_SIZE = env_int("REGISTRY_PAGE_SIZE", 50, minimum=1)
# Automations: outbound webhook deliveries.
REGISTRY_WEBHOOK_ALLOW_PRIVATE = env_bool("REGISTRY_WEBHOOK_ALLOW_PRIVATE", False)
REGISTRY_WEBHOOK_MAX_ATTEMPTS = env_int("REGISTRY_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
REGISTRY_WEBHOOK_TIMEOUT = env_int("REGISTRY_WEBHOOK_TIMEOUT", 10, minimum=1)
# How long a worker's claim on a delivery holds (at least 3 timeouts): a worker killed
# mid-send delays that delivery by this much.
REGISTRY_WEBHOOK_MIN_LEASE = env_int("REGISTRY_WEBHOOK_MIN_LEASE", 60, minimum=1)
REGISTRY_WEBHOOK_RETRY_BASE = env_int("REGISTRY_WEBHOOK_RETRY_BASE", 5, minimum=1)
# Lockouts after failed sign-ins (per account and per client address) and bad API keys.
REGISTRY_LOGIN_MAX_FAILURES = env_int("REGISTRY_LOGIN_MAX_FAILURES", 5, minimum=1)
REGISTRY_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int(
    "REGISTRY_LOGIN_MAX_FAILURES_PER_ADDRESS", 20, minimum=1
)
REGISTRY_LOGIN_LOCKOUT = env_int("REGISTRY_LOGIN_LOCKOUT", 900, minimum=1)
REGISTRY_API_MAX_BAD_KEYS = env_int("REGISTRY_API_MAX_BAD_KEYS", 20, minimum=1)
REGISTRY_API_BAD_KEY_LOCKOUT = env_int("REGISTRY_API_BAD_KEY_LOCKOUT", 300, minimum=1)
# How many proxies in front append to X-Forwarded-For (0: use the connection's address).
REGISTRY_PROXY_COUNT = env_int("REGISTRY_PROXY_COUNT", 0)
# Interrupted work, cleaned up by `manage.py registry_sweep`: uploads are spooled in their
# own folder; task rows RUNNING and temp uploads untouched this long are abandoned.
REGISTRY_UPLOAD_TMP_DIR = Path(
    env_str("REGISTRY_UPLOAD_TMP_DIR", str(Path(tempfile.gettempdir()) / "registry-uploads"))
)
REGISTRY_STALE_UPLOAD_AFTER = env_int("REGISTRY_STALE_UPLOAD_AFTER", 3600, minimum=60)
REGISTRY_STALE_TASK_AFTER = env_int("REGISTRY_STALE_TASK_AFTER", 3600, minimum=60)
# Follows `make run`'s HOST and PORT unless set, so links in notifications reach this server.
REGISTRY_BASE_URL = env_str(
    "REGISTRY_BASE_URL", f"http://{env_str('HOST', '127.0.0.1')}:{env_str('PORT', '8000')}"
)
# MLflow clients: the registry a model name without a dot lives in.
REGISTRY_MLFLOW_DEFAULT_REGISTRY = env_str("REGISTRY_MLFLOW_DEFAULT_REGISTRY", "Model").strip()
if not re.fullmatch(r"[A-Za-z0-9_-]{1,113}", REGISTRY_MLFLOW_DEFAULT_REGISTRY):
    raise ImproperlyConfigured(
        f"REGISTRY_MLFLOW_DEFAULT_REGISTRY={REGISTRY_MLFLOW_DEFAULT_REGISTRY!r} is not a registry "
        "name MLflow names can reach: 1-113 letters, digits, '_' or '-' (no dot)."
    )

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "registry.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# HTTPS. Off by default so `make run` works over plain HTTP; the README's production
# settings turn each on (behind a TLS-terminating proxy, with SECURE_PROXY_SSL_HEADER).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers probe over plain HTTP; a redirect would fail their health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER")

# Content-Security-Policy: only our own origin. No inline script or style anywhere
# (htmx's own indicator <style> is turned off in base.html; the CSS has those rules),
# so neither 'unsafe-inline' nor nonces are needed. Swagger UI's icons are data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features the registry never uses, refused for every page (and anything framed).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
