"""Stellwerk settings: one module, driven by environment variables.

Right after checkout it runs on a SQLite file with background tasks executed in-process.
In production set DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the mail variables;
see the README for the full list.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)
# The fallback key is only ever used without SECRET_KEY, i.e. on a developer's machine;
# the system check review.E001 refuses it when DEBUG is off.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "review",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, saving a session to reset its idle clock once a minute at most.
    "review.accounts.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # After OTPMiddleware: external people verify a second factor before any other view.
    "review.accounts.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "review.notifications.context_processors.unread_notifications",
                "review.navigation.main_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and the in-process tasks share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Redis when REDIS_URL is set (production, CI), through django-redis, whose IGNORE_EXCEPTIONS
# turns a Redis outage into cache misses: every page keeps working, only slower (issue #16.3).
# Short socket timeouts so that a Redis that hangs costs a request milliseconds, not seconds.
# Without REDIS_URL (`make run`, one process) a per-process memory cache. What is cached and
# why: docs/performance.md, "Caching".
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache"
        if REDIS_URL
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": REDIS_URL,
        # Tests give each test a prefix of its own; several installations may share a Redis.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "stellwerk"),
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        }
        if REDIS_URL
        else {},
    }
}
# An ignored Redis error is still logged (logger django_redis.cache), so an outage is seen.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
AUTH_USER_MODEL = "review.User"

# --- Authentication and sessions ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 30 minutes idle: requests renew the session, so the clock measures inactivity. Not every
# request writes it (SESSION_SAVE_EVERY_REQUEST): IdleSessionMiddleware renews it once a minute.
# Sessions live in the database, read through the cache when there is Redis (cached_db): while
# Redis is down the cache misses and every session comes from the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock an account+address pair after repeated failures (password guessing).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor login (django-otp): the issuer names the entry in the authenticator app;
# wrong codes slow down further tries exponentially (per device, survives new logins).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Stellwerk")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# An invitation link for an external person stays valid this many days.
INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 2 * 3600

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# KERN UX and htmx are installed from npm by the set-up and served from node_modules.
STATICFILES_DIRS = [
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "static",
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

from django.utils.csp import CSP  # noqa: E402

# No inline scripts anywhere: every script is a static file. Inline style attributes from
# htmx's indicator class are avoided by setting htmx.config.includeIndicatorStyles = false.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Background tasks -----------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the tasks run in-process, so `make run` works with no Redis.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Queueing happens inside web requests: while Redis is down, give up after ~0.3 s instead of
# Celery's default ~1.6 s per task (config.celery.QueueingTask logs it, the request succeeds).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "documents.*": {"queue": "documents"},
    "dispatch.*": {"queue": "notifications"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-due-soon": {
        "task": "notifications.notify_due_soon",
        "schedule": crontab(hour=6, minute=30),
    },
    "notifications-daily-digest": {
        "task": "notifications.send_daily_digests",
        "schedule": crontab(hour=int(os.environ.get("NOTIFY_DIGEST_HOUR", "7")), minute=0),
    },
    "dispatch-flag-unconfirmed": {
        "task": "dispatch.flag_unconfirmed",
        "schedule": crontab(hour=6, minute=45),
    },
    "dispatch-housekeeping": {
        "task": "dispatch.housekeeping",
        "schedule": crontab(minute=23),
    },
    # Workflow deadlines: reminders, escalations, consultations past their due date.
    "workflows-fire-timers": {
        "task": "workflows.fire_timers",
        "schedule": 300.0,
    },
    "notifications-housekeeping": {
        "task": "notifications.housekeeping",
        "schedule": crontab(minute=17),
    },
    # Files a killed worker wrote but never recorded (review/documents/housekeeping.py).
    "documents-remove-orphan-files": {
        "task": "documents.remove_orphan_files",
        "schedule": crontab(hour=3, minute=40),
    },
    "oparl-sync": {
        "task": "oparl.sync_all_sources",
        "schedule": 60.0 * int(os.environ.get("OPARL_SYNC_MINUTES", "15")),
    },
}
# "Due date approaching" is sent this many days before a review's deadline.
NOTIFY_DUE_SOON_DAYS = int(os.environ.get("NOTIFY_DUE_SOON_DAYS", "3"))

# --- OParl sync and relevance (docs/oparl-sync.md) -----------------------------------------
OPARL_TIMEOUT_SECONDS = float(os.environ.get("OPARL_TIMEOUT_SECONDS", "60"))
OPARL_RETRIES = int(os.environ.get("OPARL_RETRIES", "4"))
OPARL_BACKOFF_SECONDS = float(os.environ.get("OPARL_BACKOFF_SECONDS", "1"))
OPARL_MAX_PAGES = int(os.environ.get("OPARL_MAX_PAGES", "5000"))
# Placeholders (dangling references) fetched one by one per full run.
OPARL_RESOLVE_LIMIT = int(os.environ.get("OPARL_RESOLVE_LIMIT", "50"))
# Expiry of the row lock used instead of advisory locks on SQLite (a crashed run frees it then).
OPARL_LOCK_SECONDS = int(os.environ.get("OPARL_LOCK_SECONDS", "3600"))
# Deadline = earliest upcoming meeting of the Beratungsfolge minus this many days.
RELEVANCE_LEAD_DAYS = int(os.environ.get("RELEVANCE_LEAD_DAYS", "7"))
# Keyword points needed to open a case without a watched Gremium.
RELEVANCE_THRESHOLD = int(os.environ.get("RELEVANCE_THRESHOLD", "30"))
# Papers older than this without an upcoming meeting open no new case.
RELEVANCE_RECENT_DAYS = int(os.environ.get("RELEVANCE_RECENT_DAYS", "90"))

# --- Statement documents (docs/documents.md) --------------------------------------------
# The letterhead of the generated statements; the office edits everything else in the templates.
DOCUMENT_OFFICE = {
    "city": os.environ.get("OFFICE_CITY", "Musterstadt"),
    "name": os.environ.get("OFFICE_NAME", "Büro für Integration"),
    "department": os.environ.get("OFFICE_DEPARTMENT", "Dezernat III – Soziales und Integration"),
    "street": os.environ.get("OFFICE_STREET", "Rathausplatz 1"),
    "postcode_city": os.environ.get("OFFICE_POSTCODE_CITY", "12345 Musterstadt"),
    "phone": os.environ.get("OFFICE_PHONE", "0123 456-0"),
    "email": os.environ.get("OFFICE_EMAIL", "integration@musterstadt.example"),
    "website": os.environ.get("OFFICE_WEBSITE", "www.musterstadt.example"),
    "file_label": os.environ.get("OFFICE_FILE_LABEL", "Integration"),
}
# unoserver (LibreOffice as a long-running converter); without it documents stay .docx only.
UNOSERVER_HOST = os.environ.get("UNOSERVER_HOST", "127.0.0.1")
UNOSERVER_PORT = int(os.environ.get("UNOSERVER_PORT", "2003"))
# Seconds one conversion may take before LibreOffice counts as hung.
UNOSERVER_TIMEOUT = float(os.environ.get("UNOSERVER_TIMEOUT", "60"))
# Path of scripts/start_unoserver.sh (or another command) that the documents worker runs to
# bring a crashed or hung LibreOffice back; empty: no restart, the task only retries.
UNOSERVER_RESTART_COMMAND = os.environ.get(
    "UNOSERVER_RESTART_COMMAND", str(BASE_DIR / "scripts" / "start_unoserver.sh")
)
DOCUMENT_PDF_RETRIES = int(os.environ.get("DOCUMENT_PDF_RETRIES", "2"))
# A clerk's receipt counts as overdue this many days after the mail was sent, or earlier when
# the committee meets on the paper within DISPATCH_MEETING_WARNING_DAYS.
DISPATCH_CONFIRM_DAYS = int(os.environ.get("DISPATCH_CONFIRM_DAYS", "3"))
DISPATCH_MEETING_WARNING_DAYS = int(os.environ.get("DISPATCH_MEETING_WARNING_DAYS", "2"))

# --- Mail -----------------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes to that SMTP server; without it, into the dev outbox folder
# var/mail-outbox/ (one .eml-like file per message), so `make run` needs no mail server.
if "EMAIL_HOST" in os.environ:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(BASE_DIR / "var" / "mail-outbox")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "stellwerk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
