"""Stellwerk settings: one module, driven by environment variables.

Right after checkout it runs on a SQLite file with background tasks executed in-process.
In production set DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the mail variables;
see the README for the full list.
"""

import os
import zlib
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


# Fails closed: DEBUG only when set (`make run`, `make test` and pytest set it), never because
# something else is missing.
DEBUG = env_bool("DEBUG", default=False)
# Without SECRET_KEY the dev key is used; the system check review.E001 refuses it whenever DEBUG
# is off, so `migrate`, `check` and `runserver` stop a production install that forgot the key.
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
    "config.apps.ProjectStaticFilesConfig",  # django.contrib.staticfiles, see config/apps.py
    "django.contrib.humanize",
    # Django's own widget templates for the project's FORM_RENDERER (TemplatesSetting).
    "django.forms",
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
    # First, so that every log line of the request carries its id.
    "review.operations.logs.RequestIdMiddleware",
    # Times the whole request for /metrics (a dictionary lookup when nobody scrapes).
    "review.operations.metrics.RequestMetricsMiddleware",
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

# One rendering of every form field, in KERN's markup: templates/forms/ (review/form_rendering.py).
FORM_RENDERER = "review.form_rendering.KernFormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    # Parameters bound by the server and a statement sent five times on a connection prepared:
    # PostgreSQL then plans the pages' statements once instead of on every request, which
    # roughly halves its CPU per page (docs/performance.md). Switch it off behind a pooler in
    # transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
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
# Directory backends only where configured (mozilla-django-oidc's backend refuses to load
# without its endpoints); the gate ends a local staff password check when LOCAL_STAFF_LOGIN=false.
SSO_BACKENDS = [
    *(["review.accounts.ldap.LDAPBackend"] if os.environ.get("LDAP_SERVER_URI") else []),
    *(["review.accounts.oidc.OIDCBackend"] if os.environ.get("OIDC_RP_CLIENT_ID") else []),
    "review.accounts.backends.LocalStaffLoginGate",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *SSO_BACKENDS,  # directory sign-in, see "Single sign-on" below
    "review.accounts.backends.ModelBackend",
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
# Argon2id, the hasher Django's documentation recommends (memory-hard, the winner of the
# Password Hashing Competition; argon2-cffi). It also costs half the CPU of PBKDF2 at Django's
# iteration count per login. Passwords stored with PBKDF2 stay valid and are rehashed at the
# person's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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

# django-axes: slow down password guessing per account+address pair. The pause is short (a
# throttle, not a lock) and the address is the client's, not the proxy's (TRUSTED_PROXIES), so
# nobody can lock another person out by guessing wrong on purpose.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "5")))
# Addresses or networks (comma-separated) of the reverse proxies whose X-Forwarded-For is trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "review.accounts.client_address.client_address"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The OpenID Connect callback: the provider throttles its own password form (docs/sso.md).
AXES_WHITELIST_CALLABLE = "review.accounts.oidc.is_provider_callback"

# Two-factor login (django-otp): the issuer names the entry in the authenticator app;
# wrong codes slow down further tries exponentially (per device, survives new logins).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Stellwerk")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Require the second factor of the office's and the administrators' logins too (external people
# always need one).
STAFF_SECOND_FACTOR = env_bool("STAFF_SECOND_FACTOR", default=False)
# An invitation link for an external person stays valid this many days.
INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 2 * 3600

# --- Single sign-on for staff (docs/sso.md) -------------------------------------------------
# LDAP / Active Directory: search with a service account, bind as the person. Unset
# LDAP_SERVER_URI: no directory sign-in. Role mappings: "Sachbearbeitung=<group DN or cn>;…".
LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")
LDAP_START_TLS = env_bool("LDAP_START_TLS", default=False)
LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
LDAP_USER_SEARCH_BASE = os.environ.get("LDAP_USER_SEARCH_BASE", "")
# AD: "(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))" leaves out
# disabled accounts; whoever the filter no longer finds is deactivated by the nightly check.
LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "(objectClass=inetOrgPerson)")
LDAP_USERNAME_ATTRIBUTE = os.environ.get("LDAP_USERNAME_ATTRIBUTE", "uid")  # AD: sAMAccountName
LDAP_FIRST_NAME_ATTRIBUTE = os.environ.get("LDAP_FIRST_NAME_ATTRIBUTE", "givenName")
LDAP_LAST_NAME_ATTRIBUTE = os.environ.get("LDAP_LAST_NAME_ATTRIBUTE", "sn")
LDAP_EMAIL_ATTRIBUTE = os.environ.get("LDAP_EMAIL_ATTRIBUTE", "mail")
LDAP_GROUP_SEARCH_BASE = os.environ.get("LDAP_GROUP_SEARCH_BASE", "")
LDAP_GROUP_FILTER = os.environ.get("LDAP_GROUP_FILTER", "(member={user_dn})")
LDAP_ROLE_GROUPS = os.environ.get("LDAP_ROLE_GROUPS", "")
LDAP_TIMEOUT_SECONDS = int(os.environ.get("LDAP_TIMEOUT_SECONDS", "10"))
# OpenID Connect (mozilla-django-oidc's own setting names): on when client id and endpoint are set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_GROUPS = os.environ.get("OIDC_ROLE_GROUPS", "")
OIDC_LOGIN_LABEL = os.environ.get("OIDC_LOGIN_LABEL", "")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = LDAP_TIMEOUT_SECONDS
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/anmelden/"  # a failed OIDC sign-in (a path: not resolved)
# Off: staff sign in only through the directory; external people and superusers keep passwords.
LOCAL_STAFF_LOGIN = env_bool("LOCAL_STAFF_LOGIN", default=True)

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
# A job whose worker died unacknowledged comes back after the visibility timeout: just above the
# longest a task may run, so that a killed worker's jobs wait minutes, not an hour. (Retries with
# a countdown stay below it, see review/dispatch/tasks.py.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
# Documents and dispatches still waiting this long lost their job (e.g. Redis restarted without
# persistence, docs/workflow.md): the beat re-queues them; "Erneut versuchen" takes them too.
REQUEUE_AFTER_MINUTES = int(os.environ.get("REQUEUE_AFTER_MINUTES", "10"))
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
# Workers log through LOGGING below (request ids, JSON) instead of Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "documents.*": {"queue": "documents"},
    "dispatch.*": {"queue": "notifications"},
    # Downloads of attachments wait on foreign servers: kept off the other queues.
    "attachments.*": {"queue": "attachments"},
    "relevance.*": {"queue": "attachments"},
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
    # Beschlusskontrolle: follow-ups past their due date (review/followups).
    "followups-remind-overdue": {
        "task": "followups.remind_overdue",
        "schedule": crontab(hour=6, minute=50),
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
    # Documents and mails whose job was lost (REQUEUE_AFTER_MINUTES).
    "documents-requeue-stale": {"task": "documents.requeue_stale", "schedule": 120.0},
    "dispatch-requeue-stale": {"task": "dispatch.requeue_stale", "schedule": 120.0},
    # Files a killed worker wrote but never recorded (review/documents/housekeeping.py).
    "documents-remove-orphan-files": {
        "task": "documents.remove_orphan_files",
        "schedule": crontab(hour=3, minute=40),
    },
    # Attachments whose reading was never queued or was lost (a worker died mid-download).
    "attachments-read-pending": {
        "task": "attachments.read_pending",
        "schedule": crontab(minute=41),
    },
    # The relevance model learns from the day's triage decisions (review/oparl/learning.py).
    "relevance-retrain": {
        "task": "relevance.retrain",
        "schedule": crontab(hour=2, minute=30),
    },
    # Audit hash chain verified every night; a finding is e-mailed to the administrators.
    "audit-verify-chain": {
        "task": "audit.verify_chain",
        "schedule": crontab(hour=2, minute=50),
    },
    "retention-apply-rules": {
        "task": "retention.apply_rules",
        "schedule": crontab(hour=3, minute=10),
    },
    # Directory accounts the directory removed or disabled are deactivated (docs/sso.md).
    "accounts-check-directory-users": {
        "task": "accounts.check_directory_users",
        "schedule": crontab(hour=2, minute=30),
    },
    "oparl-sync": {
        "task": "oparl.sync_all_sources",
        "schedule": 60.0 * int(os.environ.get("OPARL_SYNC_MINUTES", "15")),
    },
}
# "Due soon" (bald fällig): this many days before a deadline, for everyone who has not chosen
# their own number of days (User.due_soon_days): the one definition for badges, start page and
# the "due date approaching" notice.
NOTIFY_DUE_SOON_DAYS = int(os.environ.get("NOTIFY_DUE_SOON_DAYS", "3"))
# Without a reaction this many days after a step's due date, the deputy is alerted.
WORKFLOW_ESCALATION_GRACE_DAYS = int(os.environ.get("WORKFLOW_ESCALATION_GRACE_DAYS", "2"))

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
# Attachment text (review/oparl/attachments.py): the main file and up to this many files in all
# per paper are downloaded from the source's own server (plus ATTACHMENT_ALLOWED_HOSTS).
ATTACHMENT_TEXT_ENABLED = env_bool("ATTACHMENT_TEXT_ENABLED", default=True)
ATTACHMENT_FILES_PER_PAPER = int(os.environ.get("ATTACHMENT_FILES_PER_PAPER", "3"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 2**20
ATTACHMENT_TIMEOUT_SECONDS = int(os.environ.get("ATTACHMENT_TIMEOUT_SECONDS", "60"))
ATTACHMENT_MAX_TEXT_CHARS = int(os.environ.get("ATTACHMENT_MAX_TEXT_CHARS", "2000000"))
ATTACHMENT_ALLOWED_HOSTS = env_list("ATTACHMENT_ALLOWED_HOSTS")

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
# Each checkout its own port (derived from its path, as scripts/start_unoserver.sh does), so that
# two clones on one machine never share, or restart, each other's LibreOffice.
UNOSERVER_PORT = int(
    os.environ.get("UNOSERVER_PORT", 20000 + zlib.crc32(str(BASE_DIR).encode()) % 5000 * 2)
)
# Seconds one conversion may take before LibreOffice counts as hung.
UNOSERVER_TIMEOUT = float(os.environ.get("UNOSERVER_TIMEOUT", "60"))
# Path of scripts/start_unoserver.sh (or another command) that the documents worker runs to
# bring a crashed or hung LibreOffice back; empty: no restart, the task only retries.
UNOSERVER_RESTART_COMMAND = os.environ.get(
    "UNOSERVER_RESTART_COMMAND", str(BASE_DIR / "scripts" / "start_unoserver.sh")
)
DOCUMENT_PDF_RETRIES = int(os.environ.get("DOCUMENT_PDF_RETRIES", "2"))
# Uploaded Word templates are rendered in a child process with this memory and CPU budget
# (review/documents/limits.py); a template that needs more fails with a German message.
DOCUMENT_RENDER_LIMITS = env_bool("DOCUMENT_RENDER_LIMITS", default=True)
DOCUMENT_RENDER_MEMORY_MB = int(os.environ.get("DOCUMENT_RENDER_MEMORY_MB", "512"))
DOCUMENT_RENDER_SECONDS = int(os.environ.get("DOCUMENT_RENDER_SECONDS", "30"))
# A clerk's receipt counts as overdue this many days after the mail was sent, or earlier when
# the committee meets on the paper within DISPATCH_MEETING_WARNING_DAYS.
DISPATCH_CONFIRM_DAYS = int(os.environ.get("DISPATCH_CONFIRM_DAYS", "3"))
DISPATCH_MEETING_WARNING_DAYS = int(os.environ.get("DISPATCH_MEETING_WARNING_DAYS", "2"))

# --- Archive hand-over (review/archive/, docs/archive.md) -----------------------------------
# Closed cases are offered to the archive this many days after closing (the form can move it).
ARCHIVE_OFFER_AFTER_DAYS = int(os.environ.get("ARCHIVE_OFFER_AFTER_DAYS", "365"))
# Behördenkennung (code and name) of the office and of the archive in the xdomea messages.
XDOMEA_SENDER_CODE = os.environ.get("XDOMEA_SENDER_CODE", "stellwerk")
XDOMEA_SENDER_NAME = os.environ.get("XDOMEA_SENDER_NAME", "Integrationsbüro")
XDOMEA_ARCHIVE_CODE = os.environ.get("XDOMEA_ARCHIVE_CODE", "archiv")
XDOMEA_ARCHIVE_NAME = os.environ.get("XDOMEA_ARCHIVE_NAME", "Stadtarchiv")
# Path of xdomea.xsd (3.0.0); when set, every message is checked against it before it is used.
XDOMEA_SCHEMA = os.environ.get("XDOMEA_SCHEMA", "")

# --- Retention (review/retention/, docs/retention.md) ----------------------------------------
# Days after each data class's starting event until the nightly run deletes or anonymises it.
RETENTION_DAYS = {
    "notifications": int(os.environ.get("RETENTION_NOTIFICATIONS_DAYS", "180")),
    "invitations": int(os.environ.get("RETENTION_INVITATIONS_DAYS", "90")),
    "logins": int(os.environ.get("RETENTION_LOGINS_DAYS", "90")),
    "external_accounts": int(os.environ.get("RETENTION_EXTERNAL_ACCOUNTS_DAYS", "365")),
    "cases": int(os.environ.get("RETENTION_CASES_DAYS", "0")),
}

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

# --- Operations: health checks (docs/operations.md) ----------------------------------------
# /health/ answers a request with `Authorization: Bearer <HEALTH_TOKEN>`; without a token only
# requests from these addresses (a local monitoring agent) and administrators.
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")
HEALTH_ALLOWED_ADDRESSES = env_list("HEALTH_ALLOWED_ADDRESSES", "127.0.0.1,::1")
# Below this much free space in MEDIA_ROOT the disk check fails.
HEALTH_MIN_FREE_MB = int(os.environ.get("HEALTH_MIN_FREE_MB", "1024"))
# A source whose last successful sync is older than this is reported as a warning.
HEALTH_SYNC_WARNING_HOURS = int(os.environ.get("HEALTH_SYNC_WARNING_HOURS", "6"))

# Prometheus metrics at /metrics, only when METRICS_TOKEN is set (scraped with
# `Authorization: Bearer <METRICS_TOKEN>`). With several processes (gunicorn workers, Celery)
# every unit sets PROMETHEUS_MULTIPROC_DIR to one shared directory (docs/operations.md).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Read API (docs/api.md) -----------------------------------------------------------------
# Requests per token: "120/min", "5000/h", …
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/min")

# --- Logging and errors (docs/operations.md) ----------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (for journald/Graylog/Loki); every line
# carries the request id, also in the Celery tasks a request queued.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "review.operations.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        # Errors of web requests and tasks by mail to ADMINS (when set and DEBUG is off).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        # Django's own request errors reach the root's handlers; no second mail.
        "django": {"handlers": [], "propagate": True},
    },
}
# Comma-separated addresses that receive error mails.
ADMINS = env_list("ADMINS")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from review.operations.logs import init_error_reporting

    init_error_reporting(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
