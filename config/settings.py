"""The one settings module. Everything that differs between a laptop, CI and production
comes from the environment; see .env.example for the full list."""

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
# Behind TLS (production): secure cookies, HSTS, redirect to https.
HTTPS = env_bool("DJANGO_HTTPS", False)


def _refuse_weak_secret_key(key: str) -> None:
    """Production refuses the example file's placeholder and other guessable keys."""
    if "change" in key.lower() or len(key) < 50 or len(set(key)) < 10:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is the placeholder of .env.example or too weak: use 50 or more "
            "random characters, e.g. from: python -c \"import secrets; "
            "print(secrets.token_urlsafe(50))\"")


def _secret_key() -> str:
    key = env_secret("DJANGO_SECRET_KEY")
    if key and HTTPS:
        _refuse_weak_secret_key(key)
    if key:
        return key
    if HTTPS:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set")
    # Development and tests: a random key kept under var/, never in the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_countries",
    "health_check",
    "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static",
    "rest_framework", "drf_spectacular", "drf_spectacular_sidecar",
    "accounts",
    "invoicing",
    "quotes",
    "recurring",
    "reminders",
    "workorders",
    "connections",
    "ebh_sync",
    "backups",
    "einvoice",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.ActiveOrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.two_factor_middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "connections.context_processors.connection_banner",
                "ebh_sync.context_processors.sync_notices",
            ],
        },
    },
]

# Database: PostgreSQL in production and tests, SQLite as the embedded default of `make run`.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks and take write locks up front.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "facturen"),
        }
    }
else:
    # Web, worker and beat are separate processes: the sync's wake-up mark must be one they
    # all see (a per-process LocMemCache kept the web's mark set after the worker cleared its
    # own, so new bookings waited for the sweeper). A directory under var/ is shared.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limiting: lock a (username, address) pair after repeated failures.
# Behind a reverse proxy (the compose stack's Caddy: 1), the client's address is the one the
# nearest trusted proxy appended to X-Forwarded-For, not the proxy's own (config/proxy.py);
# lock-outs and rate limits count per client, not per proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
USE_X_FORWARDED_HOST = TRUSTED_PROXY_COUNT > 0
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Rate limits (django-ratelimit, accounts/limits.py) on the shared cache: a name per limit,
# "count/period" with s, m, h or d. Lowered in tests; an operator may tune them here.
RATELIMIT_USE_CACHE = "default"
RATE_LIMITS = {
    "signup_ip": "20/h",  # sign-up attempts from one address (an office shares one)
    "signup_email": "5/h",  # sign-up attempts for one email address
    "password_reset_ip": "20/h",
    "password_reset_email": "5/h",  # reset emails to one address
    "invitation_user": "20/h",
    "invitation_organization": "10/h",
    "email_user": "100/h",  # invoice, quote and reminder emails a person sends
    "email_organization": "200/h",
    "verification_resend": "5/h",  # "send the confirmation email again", per user
    "email_change_user": "5/h",  # confirmation links to a new address, per user
    "connect_organization": "10/h",  # attempts to connect e-Boekhouden.nl
}

# Two-step verification (django-otp, accounts/two_factor.py): TOTP apps plus recovery codes.
# Wrong codes are throttled per device (1, 2, 4, 8 ... seconds); the admin never shows keys.
OTP_TOTP_ISSUER = "Facturen"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The public JSON API (api/, README "The API"): bearer tokens of an organization, limited per
# token in the shared cache; the OpenAPI document and its reference page at /api/v1/.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasToken"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "api.exceptions.handle",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Facturen API",
    "DESCRIPTION": "Customers, suppliers, products, quotes, sales and purchase invoices, work "
                   "orders and their bookings in e-Boekhouden.nl, for one organization per "
                   "token. Send `Authorization: Bearer <token>`; make a token under "
                   "Settings > API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "invoicing.models.PartyKind",
        "InvoiceKindEnum": "invoicing.models.InvoiceKind",
        "WorkOrderLineKindEnum": "workorders.models.LineKind",
        "SyncJobKindEnum": "ebh_sync.models.SyncJob.Kind",
        "SalesInvoiceStatusEnum": "invoicing.models.InvoiceStatus",
        "PurchaseInvoiceStatusEnum": "invoicing.models.PurchaseStatus",
        "QuoteStatusEnum": "quotes.models.QuoteStatus",
        "SalesVatRateEnum": "invoicing.vat.VatRate",
        "PurchaseVatRateEnum": "invoicing.vat.PurchaseVatRate",
    },
}

# Internationalisation: Dutch first, English second.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served directly; views stream them with a safe content type.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 12000)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4_000_000  # e.g. 2000 x 2000: plenty for a logo on an A4 page
# The largest file any form accepts (a purchase invoice's PDF or scan); larger files are not
# read any further than this (config/uploads.py), and scans at most this many pixels (a
# 600 dpi A4 page has 35 million).
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
# Backups (backups/, README "Backups"): one archive per run, the newest BACKUP_KEEP kept. They
# never hold the credential keys: keep EBH_CREDENTIAL_KEYS safe elsewhere.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 300)  # seconds (beat: each 60)
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email: console while developing, SMTP in production (EMAIL_URL-style settings below).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Facturen <noreply@facturen.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production; without CELERY_BROKER_URL a real worker still runs,
# on kombu's filesystem transport (no server needed; the host only keeps kombu from warning
# that none was given).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"  # kombu's default is ./control
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a request when the broker is down: the outbox sweeper
# picks up whatever was not delivered.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Beat schedules it, a worker runs it: /health/ sees both alive (config/health.py).
    "health-heartbeat": {"task": "health.heartbeat", "schedule": 60.0},
    # The outbox sweeper: requeues orphaned bookings and wakes workers for due ones.
    "ebh-sync-sweep": {"task": "ebh_sync.tasks.sweep_sync_jobs_task", "schedule": 30.0},
    # Relations and articles of the connections that turned on the daily import.
    "ebh-periodic-import": {
        "task": "ebh_sync.tasks.periodic_import_task", "schedule": 24 * 3600.0,
    },
    # The nightly backup (backups/): database dump and media files into BACKUP_DIR.
    "backups-daily": {"task": "backups.tasks.backup_task", "schedule": crontab(hour=3, minute=15)},
    # Payments read back from e-Boekhouden's open items, once a day per connection.
    "ebh-payments-daily": {
        "task": "ebh_sync.tasks.periodic_payments_task", "schedule": crontab(hour=6, minute=30),
    },
    # Payment reminders: each morning, the step that is due for every overdue invoice.
    "payment-reminders": {
        "task": "reminders.tasks.send_due_reminders_task", "schedule": crontab(hour=8, minute=0),
    },
    # The ECB publishes its reference rates around 16:00 CET on business days.
    "ecb-exchange-rates": {
        "task": "invoicing.tasks.refresh_exchange_rates_task",
        "schedule": crontab(hour=16, minute=45, day_of_week="mon-fri"),
    },
    # Sent quotes past their validity date become expired, just after midnight.
    "quotes-expire": {
        "task": "quotes.tasks.expire_quotes_task", "schedule": crontab(hour=0, minute=5),
    },
    # Webhooks (webhooks/): deliveries whose task was lost or whose worker died.
    "webhooks-sweep": {"task": "webhooks.tasks.sweep_deliveries_task", "schedule": 60.0},
    # Recurring invoices: each due period once (a missed run catches up at the next).
    "recurring-generate": {
        "task": "recurring.tasks.generate_due_invoices_task", "schedule": crontab(minute=5),
    },
}
CELERY_TIMEZONE = TIME_ZONE

# ECB reference rates (invoicing/exchange_rates.py): the package ships the history; the daily
# task keeps the ECB's current file here (shared by web and worker) when the network allows.
ECB_RATES_URL = env_str("ECB_RATES_URL",
                        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip")
ECB_RATES_FILE = env_str("ECB_RATES_FILE",
                         str(VAR_DIR / "exchange_rates" / "eurofxref-hist.zip"))
ECB_RATES_TIMEOUT = env_int("ECB_RATES_TIMEOUT", 10)  # seconds, to connect and per read

# Plain lines on a developer's screen; one JSON object per line in production (LOG_FORMAT).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if HTTPS else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # zeep logs whole envelopes (with the security codes) at DEBUG: never let it.
        "zeep": {"level": "WARNING"},
        "zeep.transports": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.SecretsExceptionReporterFilter"
# Error reports to Sentry (web, worker and beat), masked like the logs (config/sentry.py).
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# --- e-Boekhouden connection (connections/, eboekhouden/, connections/clients.py) ---
# The SOAP service: defaults to the real e-Boekhouden.nl. `make run` sets EBH_DEMO_SANDBOX_URL
# (e.g. http://127.0.0.1:8765), which makes the local sandbox the default instead and lets
# connections/demo.py connect the demo organization to it.
_EBH_SERVICE = env_str("EBH_DEMO_SANDBOX_URL").rstrip("/") or "https://soap.e-boekhouden.nl"
EBH_WSDL_URL = env_str("EBH_WSDL_URL", f"{_EBH_SERVICE}/soap.asmx?wsdl")
EBH_ENDPOINT_URL = env_str("EBH_ENDPOINT_URL", f"{_EBH_SERVICE}/soap.asmx")
EBH_CONNECT_TIMEOUT = env_int("EBH_CONNECT_TIMEOUT", 10)  # seconds to open the connection
EBH_READ_TIMEOUT = env_int("EBH_READ_TIMEOUT", 60)  # seconds to wait for an answer
EBH_WSDL_TIMEOUT = env_int("EBH_WSDL_TIMEOUT", 30)  # seconds to load the WSDL once
# The REST API (API tokens); the demo sandbox serves it too.
EBH_REST_URL = env_str("EBH_REST_URL", _EBH_SERVICE if env_str("EBH_DEMO_SANDBOX_URL")
                       else "https://api.e-boekhouden.nl")
EBH_REST_THROTTLE_RETRIES = env_int("EBH_REST_THROTTLE_RETRIES", 2)  # after an HTTP 429
EBH_REST_MAX_THROTTLE_WAIT = env_int("EBH_REST_MAX_THROTTLE_WAIT", 10)  # seconds, per retry
EBH_SOURCE = "Facturen"  # OpenSession's Source: names our integration (max 15 characters)
EBH_CLIENT_CLASS = env_str("EBH_CLIENT_CLASS", "connections.clients.ConfiguredSoapClient")
EBH_REST_CLIENT_CLASS = env_str("EBH_REST_CLIENT_CLASS", "connections.clients.ConfiguredRestClient")
# Fernet keys that encrypt the e-Boekhouden credentials at rest: comma-separated, newest
# first (or EBH_CREDENTIAL_KEYS_FILE). Empty in development: connections/crypto.py then
# creates var/credential_keys (mode 0600); with DJANGO_HTTPS it refuses to run without keys.
EBH_CREDENTIAL_KEYS = [
    key.strip() for key in env_secret("EBH_CREDENTIAL_KEYS").split(",") if key.strip()
]
if HTTPS and not EBH_CREDENTIAL_KEYS:
    raise ImproperlyConfigured(
        "EBH_CREDENTIAL_KEYS (or EBH_CREDENTIAL_KEYS_FILE) must be set in production: without "
        "it no e-Boekhouden connection can be stored. Make a key with: python -c \"from "
        "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"")
# "Foutmeldingen (N)" on the connections page: dotted path of a function
# (organization) -> (url, count) provided by the sync, or None to hide the link.
CONNECTIONS_SYNC_ERRORS: str | None = "ebh_sync.selectors.error_link"

# --- Webhooks (webhooks/) ---
# Production calls only https URLs on the public internet; tests and `make run` may call a
# receiver on this machine (webhooks/addresses.py checks at save and again at every send).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", not HTTPS)
WEBHOOKS_REQUIRE_HTTPS = env_bool("WEBHOOKS_REQUIRE_HTTPS", HTTPS)
WEBHOOKS_CONNECT_TIMEOUT = env_int("WEBHOOKS_CONNECT_TIMEOUT", 3)  # seconds
WEBHOOKS_READ_TIMEOUT = env_int("WEBHOOKS_READ_TIMEOUT", 5)  # seconds, per read
WEBHOOKS_RESPONSE_READ_BYTES = env_int("WEBHOOKS_RESPONSE_READ_BYTES", 1024)
# Retries: base * 2^(n-1) seconds after the n-th failure, at most the cap, for a day.
WEBHOOKS_BACKOFF_BASE_SECONDS = env_int("WEBHOOKS_BACKOFF_BASE_SECONDS", 60)
WEBHOOKS_BACKOFF_MAX_SECONDS = env_int("WEBHOOKS_BACKOFF_MAX_SECONDS", 3 * 3600)
WEBHOOKS_RETRY_WINDOW_SECONDS = env_int("WEBHOOKS_RETRY_WINDOW_SECONDS", 24 * 3600)
WEBHOOKS_LEASE_SECONDS = env_int("WEBHOOKS_LEASE_SECONDS", 60)
WEBHOOKS_SWEEP_GRACE_SECONDS = env_int("WEBHOOKS_SWEEP_GRACE_SECONDS", 60)
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30)

# --- e-Boekhouden sync (ebh_sync/) ---
EBH_SYNC_LEASE_SECONDS = env_int("EBH_SYNC_LEASE_SECONDS", 120)
EBH_SYNC_MAX_ATTEMPTS = env_int("EBH_SYNC_MAX_ATTEMPTS", 8)
EBH_SYNC_BACKOFF_BASE_SECONDS = env_int("EBH_SYNC_BACKOFF_BASE_SECONDS", 30)
EBH_SYNC_BACKOFF_MAX_SECONDS = env_int("EBH_SYNC_BACKOFF_MAX_SECONDS", 3600)
# Relation import (ebh_sync/imports.py): GetRelaties answers at most this many rows per call;
# the import narrows its keyword until an answer is below it, within a bound on the calls.
EBH_GETRELATIES_CAP = env_int("EBH_GETRELATIES_CAP", 100)
EBH_RELATION_IMPORT_MAX_CALLS = env_int("EBH_RELATION_IMPORT_MAX_CALLS", 20000)
# GetMutaties calls e-Boekhouden allows per administration per month (then E003.1), and the
# share of them one reconciliation report (ebh_sync/reconcile.py) may use.
EBH_GETMUTATIES_MONTHLY_LIMIT = env_int("EBH_GETMUTATIES_MONTHLY_LIMIT", 5000)
EBH_RECONCILE_BUDGET_SHARE = env_str("EBH_RECONCILE_BUDGET_SHARE", "0.20")
