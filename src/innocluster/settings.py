"""InnoCluster settings, all read from the environment with safe defaults.

With nothing set, the portal runs on a SQLite file under ``var/`` (WAL mode) with a secret key
generated once into ``var/secret_key``. Every secret may also come from a file named by the same
variable with ``_FILE`` appended (``SECRET_KEY_FILE``), as container secrets are mounted.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_home() -> Path:
    """A source checkout keeps its data in its own var/, wherever a command is started from;
    an installed package uses the working directory."""
    checkout = PACKAGE_DIR.parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


BASE_DIR = Path(os.environ.get("INNOCLUSTER_HOME") or _default_home()).resolve()
VAR_DIR = Path(os.environ.get("INNOCLUSTER_VAR_DIR") or BASE_DIR / "var").resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def _secret(name: str) -> str:
    """A secret from the environment (or ``NAME_FILE``), else one generated once and kept in
    var/ with owner-only permissions: the zero-setup default of a single machine."""
    configured = env(name)
    if configured:
        return configured
    key_file = VAR_DIR / name.lower()
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page from local static files, not a CDN
    "innocluster.core",
    "innocluster.accounts",
    "innocluster.registry",
    "innocluster.ledger",
    "innocluster.pki",
    "innocluster.documents",
    "innocluster.navigator",
    "innocluster.programmes",
    "innocluster.review",
    "innocluster.projects",
    "innocluster.exchange",
    "innocluster.matching",
    "innocluster.insights",
    "innocluster.portal",
    "innocluster.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innocluster.portal.middleware.RussianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "innocluster.urls"
WSGI_APPLICATION = "innocluster.wsgi.application"
ASGI_APPLICATION = "innocluster.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innocluster.portal.context_processors.accessibility",
                "innocluster.portal.context_processors.notifications",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'innocluster.sqlite3'}",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60") or 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a writer commits; IMMEDIATE transactions avoid the
    # "database is locked" upgrade deadlock between two writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            " PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Russian first, English second (C10).
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ic_lang"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGE_DIR = Path(env("STORAGE_DIR") or VAR_DIR / "storage").resolve()
MEDIA_ROOT = STORAGE_DIR
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Caches. "default" stays in each process's memory (the statistics' one-minute cache).
# The full-page cache (core/pagecache.py) keeps a page in two places: "pages", in the memory
# of the process that serves it (a hit there costs about as much as a trivial view), and
# "shared_pages", which every process of the installation reads (granian's worker processes,
# `innocluster worker`, the `demo` command), so that a page is rendered once, not once per
# worker. "shared" holds the version tokens that invalidate the pages; it must be shared too.
# The embedded default has no cache server, so the shared caches are directories under var/
# (a page is 7-35 KB: one small file read). DatabaseCache would need `createcachetable`
# outside `migrate`. Several hosts: the shared caches must become a cache server they all
# reach (Redis).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    },
    "shared_pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 10000, "CULL_FREQUENCY": 4},
    },
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "versions"),
        "TIMEOUT": None,
        # A handful of tokens: never near a cull (the default limit is 300).
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # One version token per person (their notifications), apart from "shared" so that many
    # people never cull the tokens every page depends on.
    "personal_versions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "personal-versions"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100000, "CULL_FREQUENCY": 4},
    },
    # Sessions are read on every signed-in request: from this shared cache first, the database
    # behind it (Django's cached_db engine). Shared by every process, so signing out anywhere
    # ends the session everywhere.
    "sessions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "sessions"),
        "OPTIONS": {"MAX_ENTRIES": 50000, "CULL_FREQUENCY": 4},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# Background work: django-tasks with its database backend (DESIGN.md).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Mail: written to files under var/mail unless an SMTP URL is configured, so a demo user can
# read the confirmation message without a mail server.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@innocluster.local")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_MAX_LIMIT = 500

# Membership: the region whose organisations become members; others become partners.
CLUSTER_HOME_REGION = env("CLUSTER_HOME_REGION", "RU-MOW")
CLUSTER_MEMBER_NUMBER_PREFIX = env("CLUSTER_MEMBER_NUMBER_PREFIX", "MIC")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}


# Documents and signatures.
# The passphrase that encrypts the private keys of the CA, the TSA, the log signer and the Fund's
# signer (pki/keystore.py). Set it in production; the default is generated into var/.
KEYSTORE_PASSPHRASE = _secret("KEYSTORE_PASSPHRASE")
# Largest document or signature accepted, in bytes.
DOCUMENT_MAX_BYTES = int(env("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# An external RFC 3161 timestamp authority; empty means the platform's built-in TSA.
TSA_URL = env("TSA_URL", "")
# PEM files of external certification authorities whose certificates signers may use.
TRUST_ANCHOR_FILES = env_list("TRUST_ANCHOR_FILES", "")
# Where documents' content lives, content-addressed by SHA-256.
DOCUMENT_STORE_DIR = Path(env("DOCUMENT_STORE_DIR") or STORAGE_DIR / "documents").resolve()
# The Fund that runs the cluster: the sender of accession agreements, the signer of PAdES.
FUND_NAME = env("FUND_NAME", "Фонд «Московский инновационный кластер»")
FUND_NAME_EN = env("FUND_NAME_EN", "Moscow Innovation Cluster Fund")
FUND_INN = env("FUND_INN", "7700000009")  # a demo value with a valid check digit
# RFC 3161: the built-in TSA's policy OID (empty: the project's default), an external TSA's timeout.
TSA_POLICY_OID = env("TSA_POLICY_OID", "")
TSA_TIMEOUT = float(env("TSA_TIMEOUT", "15"))
# Certificate validation may fetch CRLs of external CAs over the network only when allowed.
PKI_ALLOW_FETCHING = env_bool("PKI_ALLOW_FETCHING", False)
# The worker signs the transparency log's tree head this often, in seconds (0: only on demand).
LOG_TREE_HEAD_INTERVAL = float(env("LOG_TREE_HEAD_INTERVAL", "300"))
# Signers are reminded when a deadline is this many days away or has passed.
DOCUMENT_REMIND_DAYS_BEFORE = int(env("DOCUMENT_REMIND_DAYS_BEFORE", "3"))
