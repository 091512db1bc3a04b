"""Flow Stage Academy settings: one module, three ways to run (DESIGN.md §3).

- Embedded default (no environment): SQLite under var/, Celery eager, local-memory cache.
- Services: DATABASE_URL=postgres://… and REDIS_URL=redis://… switch to PostgreSQL,
  Celery over Redis, the Redis cache and PostgreSQL search.
- Production: DJANGO_ENV=production; DEBUG off, secrets required from the environment.
"""
import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LMS_VAR_DIR", BASE_DIR / "var"))

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    # Key-encryption key protecting the badge signing keys at rest.
    BADGES_KEY_ENCRYPTION_KEY = _required("BADGES_KEY_ENCRYPTION_KEY")
    DEBUG = False
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-secret-key-flow-stage-academy-0123456789")
    BADGES_KEY_ENCRYPTION_KEY = os.environ.get(
        "BADGES_KEY_ENCRYPTION_KEY", "dev-only-key-encryption-key-do-not-use-in-production"
    )
    DEBUG = os.environ.get("DEBUG", "1") == "1"
    ALLOWED_HOSTS = ["*"]

# Public origin of the platform: used for credential ids, did:web and QR codes.
PUBLIC_BASE_URL = os.environ.get(
    "PUBLIC_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "lms",
    "lms.accounts",
    "partnerships",
    "courses",
    "exams",
    "badges",
    "careers",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "simple_history",
    "axes",
    "django_ratelimit",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django Ninja's own static files (Swagger UI for /api/v1/docs, served locally: no CDN)
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # cross-origin reads of the public documents and the wallet endpoints only (lms/cors.py): their preflight is
    # answered here, before anything reads the session
    "lms.cors.PublicCorsMiddleware",
    "lms.csp.PlatformCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lms.middleware.ClientLanguageMiddleware",
    # a NUL character in a query, form or JSON value: 400 with its reason (PostgreSQL text cannot hold one)
    "lms.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # a busy database (SQLite "database is locked") raised by a view: 503 + Retry-After, not 500
    "lms.db_contention.ContentionMiddleware",
    # last, as axes asks: turns a locked-out login into the 429 of lms/throttle.lockout_response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.context_processors.navigation",
            ],
            # w_class / pct_class: widths as classes, no inline style (Content-Security-Policy)
            "builtins": ["lms.templatetags.ui"],
        },
    },
]

# --- Database -----------------------------------------------------------------
SQLITE_BUSY_TIMEOUT_SECONDS = 20
if DATABASE_URL:
    # CONN_HEALTH_CHECKS: a persistent connection is checked before a request reuses it, so that after a database
    # restart the next request reconnects instead of failing on the dead connection (README "Reliability").
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    # Server-side prepared statements only where the code asks for one (lms/prepared_sql.py: prepared_cursor).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**62
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite for concurrent use (several gunicorn workers or threads writing at once):
    # - WAL journal: readers never wait for the writer, the writer never waits for readers;
    #   synchronous=NORMAL is durable in WAL mode except for the last commits on a power cut.
    # - a busy timeout (`timeout`, seconds): a writer waits for the lock instead of failing at once.
    # - IMMEDIATE transactions: each atomic() takes the write lock when it begins. A DEFERRED transaction
    #   that read first and writes later cannot wait for the lock (SQLite answers "database is locked" at
    #   once to avoid a deadlock), which is what made parallel exam starts fail.
    # What contention remains past the timeout is a 503 with Retry-After (lms/db_contention.py), never a 500.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            # The test database is a file too (not :memory:), so that live-server tests run the threads
            # on connections of their own, as a real server does (tests/lms/test_sqlite_concurrency.py).
            # One file per test process: parallel runs in the same checkout do not share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"flowstage-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# "default" is shared by every process (Redis in the services mode). "local" is each process's own memory,
# for values whose key carries a version read from "default" on each request (courses/page_cache.py,
# lms/accounts/roles.py): a bump in any process makes every process's local copies unreachable at once.
if REDIS_URL:
    # Redis down: each process's memory stands in (lms/cache_backend.py), pages still render.
    CACHES = {"default": {"BACKEND": "lms.cache_backend.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}}
# Test processes running side by side (pytest-xdist workers, each with its own Celery worker that inherits the
# environment) share one Redis: each run and worker keeps its cache keys apart.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CACHES["default"]["KEY_PREFIX"] = f"{os.environ.get('PYTEST_XDIST_TESTRUNUID', '')[:12]}-{os.environ['PYTEST_XDIST_WORKER']}"
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local",
                   "OPTIONS": {"MAX_ENTRIES": 5000}}

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that died (SIGKILL, a lost machine) is delivered again after this many seconds (Redis
# transport's visibility timeout); every task is idempotent, so a redelivery of one still running is harmless.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "close-expired-attempts": {"task": "exams.tasks.close_expired_attempts", "schedule": 60.0},
    # Work a lost task left undone (badges.services.sweep): issuance on pass, holders' e-mails, bulk jobs.
    "badges-sweep": {"task": "badges.tasks.sweep", "schedule": float(os.environ.get("BADGES_SWEEP_SECONDS", "120"))},
    # The outbox's tasks never published (Redis down) or lost with their worker (lms/queue.py).
    "queued-tasks-sweep": {"task": "lms.tasks.sweep_queued",
                           "schedule": float(os.environ.get("QUEUE_SWEEP_SECONDS", "120"))},
    # the re-issuance after a key compromise, resumed if a worker lost it (a no-op query otherwise)
    "reissue-compromised": {"task": "badges.tasks.reissue_compromised", "schedule": 300.0},
    # a signed tree head of the issuance log when it grew (badges.transparency.publish_tree_head)
    "publish-tree-head": {"task": "badges.tasks.publish_tree_head",
                          "schedule": float(os.environ.get("BADGES_LOG_HEAD_INTERVAL", "60"))},
    "open-renewals": {"task": "partnerships.tasks.open_due_renewals", "schedule": crontab(hour=6, minute=0)},
    "recompute-matches": {"task": "careers.tasks.recompute_matches", "schedule": crontab(hour=2, minute=30)},
    "midterm-evaluations": {"task": "careers.tasks.midterm_evaluations", "schedule": crontab(hour=7, minute=15)},
    "send-outcome-surveys": {"task": "careers.tasks.send_outcome_surveys", "schedule": crontab(hour=9, minute=15)},
    "snapshot-job-readiness": {
        "task": "lms.tasks.snapshot_job_readiness",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every password check goes through axes first (login page, admin logins, POST /api/v1/auth/token).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"

# --- API tokens -----------------------------------------------------------------------------------
# Fixed lifetime from issue (not sliding); revoked on password change/reset and deactivation (README).
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

# Cohort invitations (partnerships.services.invite_to_cohort): the single-use link's lifetime.
COHORT_INVITATION_TTL_DAYS = 14

# --- Login throttling (django-axes; lms/throttle.py) ------------------------------------------------
LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = 5
LOGIN_FAILURES_PER_CLIENT = 30
AXES_HANDLER = "lms.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends at a time we can tell the user
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "lms.throttle.normalised_username"
AXES_CLIENT_IP_CALLABLE = "lms.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "lms.throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# --- Rate limit of the public verification endpoints (django-ratelimit; lms/throttle.py) --------------------
# Per client address (client_ip below), counted in the "default" cache: Redis in the services mode (shared by
# every gunicorn process), the process's memory in the embedded mode (one process: runserver). POST
# /api/v1/credentials/verify and the upload page's POST share one budget; the public page of a stored
# credential (/verify/<id>/) has its own, larger one. Values as django-ratelimit reads them ("20/m").
BADGES_VERIFY_RATE = os.environ.get("BADGES_VERIFY_RATE", "20/m")
BADGES_VERIFY_PAGE_RATE = os.environ.get("BADGES_VERIFY_PAGE_RATE", "60/m")
# Wallets (badges.wallet): an offer to a wallet is good this long and once; the access token its code buys, this
# long and for one credential; a c_nonce of the nonce endpoint, this long and for one key proof; each client may
# call the wallet endpoints this often.
BADGES_WALLET_OFFER_SECONDS = int(os.environ.get("BADGES_WALLET_OFFER_SECONDS", "600"))
BADGES_WALLET_TOKEN_SECONDS = int(os.environ.get("BADGES_WALLET_TOKEN_SECONDS", "300"))
BADGES_WALLET_NONCE_SECONDS = int(os.environ.get("BADGES_WALLET_NONCE_SECONDS", "300"))
BADGES_WALLET_RATE = os.environ.get("BADGES_WALLET_RATE", "60/m")
RATELIMIT_USE_CACHE = "default"
# At most this many verifications of uploaded credentials run at once on the whole server (a counter in the same
# cache), so attackers cannot hold every gunicorn worker: keep it below the number of workers (503 beyond).
BADGES_VERIFY_CONCURRENCY = int(os.environ.get("BADGES_VERIFY_CONCURRENCY", "2"))
# Check every credential the issuance service signs against the official OB 3.0 AchievementCredential JSON Schema
# (badges/schema.py) and fail loudly on a violation: on in the test suite (tests/conftest.py) and in its worker
# processes (the environment variable), off in production (the schema is a conformance test, not a runtime gate).
BADGES_SCHEMA_CHECK = os.environ.get("BADGES_SCHEMA_CHECK", "") == "1"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists only django_redis and memcached as supported: Django's own Redis backend has the
    # atomic incr it needs (services mode). The embedded mode's local memory is "not shared", which is right
    # for its single process.
    "django_ratelimit.W001",
    "django_ratelimit.E003",
]
# Reverse proxies in front of the platform whose X-Forwarded-For is trusted (one in production by default).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0"))
# Sessions in the database, not in Redis: a Redis outage signs nobody out (README "Reliability").
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploads: refuse anything larger than this before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Flow Stage Academy"
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "xlsx", "ods", "txt", "zip", "mp3", "wav", "mp4"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No third-party requests from the admin (the CSP allows none): default avatars, no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # the file-based backend's folder
# The sweep takes over work older than this (its task had time to run) and e-mails claimed longer ago than this.
BADGES_SWEEP_GRACE_SECONDS = int(os.environ.get("BADGES_SWEEP_GRACE_SECONDS", "120"))
# The outbox (lms/queue.py): a task still undone this long after its transaction is run by the sweep; done rows
# are kept this many days (what was sent, when), then forgotten.
QUEUE_SWEEP_GRACE_SECONDS = int(os.environ.get("QUEUE_SWEEP_GRACE_SECONDS", "120"))
QUEUE_KEEP_DAYS = int(os.environ.get("QUEUE_KEEP_DAYS", "30"))
BADGES_EMAIL_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("BADGES_EMAIL_CLAIM_TIMEOUT_SECONDS", "600"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Flow Stage Academy <academy@flowstage.example>")

# --- Security (production) ------------------------------------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL]

# --- Content-Security-Policy (django-csp; lms/csp.py adds the admin's allowances) --------------------
# No inline script, no inline style (scripts and styles are static files; widths are classes), nothing from
# another origin. Enforced in production; report-only in development so a violation shows in the browser's
# console without breaking the page (CSP_ENFORCE=1 enforces it anywhere; the e2e test does).
from csp.constants import NONE, SELF  # noqa: E402

CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "media-src": [SELF],
    "frame-src": [SELF],
    "worker-src": [SELF],  # the offline verification page's service worker (/verify/scan/sw.js)
    "manifest-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
CSP_ENFORCE = os.environ.get("CSP_ENFORCE", "1" if PRODUCTION else "0") == "1"
if CSP_ENFORCE:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None
else:
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# How long verifiers may cache the issuer's DID document (Cache-Control of /.well-known/did.json): a new signing key
# is published that long before it signs (badges.keyrules).
BADGES_DID_DOCUMENT_MAX_AGE = int(os.environ.get("BADGES_DID_DOCUMENT_MAX_AGE", "300"))
# The issuance log (badges.transparency): a new signed tree head at most every this many seconds when the log grew
# (Celery beat asks at that period; the log API and the verification pages on demand). Its public API's rate limit
# per client address, like the other public endpoints (lms/throttle.py).
BADGES_LOG_HEAD_INTERVAL = int(os.environ.get("BADGES_LOG_HEAD_INTERVAL", "60"))
BADGES_LOG_API_RATE = os.environ.get("BADGES_LOG_API_RATE", "120/m")
# On PostgreSQL, each process listens for committed changes to what a verification reads (keys, status lists, tree
# heads: badges.changes) and keeps what it read until one is heard, instead of reading it at every verification. "0":
# read everything every time (the test suite, whose rolled-back transactions never notify).
BADGES_VERIFICATION_LISTENER = os.environ.get("BADGES_VERIFICATION_LISTENER", "1") == "1"
