"""Joint Patrol Office settings. Every knob comes from the environment (see .env.example); the
defaults run on one machine with nothing else: SQLite, Celery eager, email written to var/outbox/."""
import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, redis_db_url, env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # SimpleAdminConfig: no autodiscovery, so leaflet.admin (which imports GDAL) is never loaded.
    # config/admin_site.py imports our own admin modules instead.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, never a CDN
    "leaflet",
    "simple_history",
    "django_celery_beat",
    "axes",  # sign-in lockout (MLPS level 3): accounts/lockout.py
    "accounts",
    "liaison_points",
    "guards",
    "rewards",
    "training",
    "assessments",
    "patrol",
    "disputes",
    "bulletins",
    "config.apps.ConfigConfig",  # no models: ModelSerializer date fields bounded (config/apps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.json_guard.InputGuardMiddleware",  # ?q=%00 and oversized bodies: a 400 before anything reads them
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.idempotency.IdempotencyMiddleware",  # Idempotency-Key header / idempotency_key field on POSTs
    "accounts.middleware.SessionPolicyMiddleware",  # idle timeout and absolute session lifetime
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.PathCSPMiddleware",  # django-csp, policy below
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into accounts.lockout.lockout_response
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",  # unset or blank: the embedded default
        # Persistent connections (README "Production database and scaling"): a gunicorn sync worker
        # keeps one, so a request does not pay the PostgreSQL connect (a few ms and a backend fork).
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT: the bulletin's and the map's aggregates cross its cost threshold and spend tens of
    # milliseconds compiling for a plan that runs in a hundred (README "Production database and
    # scaling"). Set per connection, so a managed server with stock settings behaves the same.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A small office on the embedded default: WAL lets readers work beside the one writer, the busy
    # timeout queues writers instead of failing, and IMMEDIATE transactions take the write lock at
    # BEGIN, so two concurrent read-then-write transactions wait in turn rather than one failing at
    # once with "database is locked" (a deferred reader cannot upgrade under WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Password rules (MLPS level 3): length, three of four character classes, not like the username,
# not common, not one of the last PASSWORD_HISTORY passwords (accounts/validators.py).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"remember": PASSWORD_HISTORY}},
]
# axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# The client IP (throttles, lockout, audit log) is REMOTE_ADDR unless this many proxies in front of
# Django append to X-Forwarded-For (accounts/client_ip.py). 0: a client's own X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("NUM_PROXIES", 0))

# Sign-in lockout (django-axes): LOGIN_FAILURE_LIMIT failures lock the account for LOGIN_COOLOFF_MINUTES,
# on the sign-in page, the admin and the token endpoint; an officer (/accounts/lockouts/) or an admin
# unlocks it sooner. LOGIN_LOCKOUT_BY: "username" (per account), "username+ip" (the pair), or
# "username,ip" (either the account or the address).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 30)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
_LOCKOUT_BY = {"username": ["username"], "username+ip": [["username", "ip_address"]], "username,ip": ["username", "ip_address"]}
if env_str("LOGIN_LOCKOUT_BY", "username") not in _LOCKOUT_BY:
    raise ImproperlyConfigured(f"LOGIN_LOCKOUT_BY must be one of {', '.join(_LOCKOUT_BY)}.")
AXES_LOCKOUT_PARAMETERS = _LOCKOUT_BY[env_str("LOGIN_LOCKOUT_BY", "username")]
if AXES_LOCKOUT_PARAMETERS == ["username"]:
    # axes.W006 asks for the IP as well; a county office signs in from behind one NAT address, so an
    # IP lockout would lock everybody out. Per account is the MLPS rule; the API's login throttle
    # still limits each address (REST_FRAMEWORK throttle "login").
    SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off counts from the lockout, not the last try
AXES_DISABLE_ACCESS_LOG = True  # accounts.AuditEvent is the sign-in log
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Sessions: signed out after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
# signing in whatever happens (accounts/middleware.py); the cookie itself lasts no longer.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

# API tokens expire API_TOKEN_TTL_HOURS after issue (a new sign-in at /api/v1/auth/token/ gives a new
# one) and are deleted on a password change, deactivation or a guard's suspension or removal.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 7 * 24)

# Audit log (accounts.AuditEvent): kept this many days (MLPS asks at least six months), purged nightly.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Input limits (config/dates.py, config/api_fields.py, config/json_guard.py): dates outside these
# years, JSON nested deeper than this, or a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 400.
DATE_YEAR_MIN = env_int("DATE_YEAR_MIN", 2000)
DATE_YEAR_MAX = env_int("DATE_YEAR_MAX", 2100)
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 64)

PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT") or str(VAR_DIR / "private")
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: file backend into var/outbox/ unless EMAIL_URL says otherwise.
EMAIL_OUTBOX = str(VAR_DIR / "outbox")
globals().update(email_settings(env_str("EMAIL_URL"), EMAIL_OUTBOX))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Joint Patrol Office <jpo@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a dead SMTP server fails the send, the sweep retries
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis: when unset, Celery runs tasks eagerly in-process and the cache is local memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # The cache lives in its own Redis database: clearing it must never flush queued Celery tasks.
    # While Redis is unreachable each process answers from local memory (config/cache.py).
    CACHES = {"default": {"BACKEND": "config.cache.FallbackRedisCache",
                          "LOCATION": env_str("REDIS_CACHE_URL") or redis_db_url(REDIS_URL, offset=1),
                          "OPTIONS": {"FALLBACK_SECONDS": env_int("CACHE_FALLBACK_SECONDS", 30),
                                      "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 1.0),
                                      "socket_timeout": env_float("REDIS_CONNECT_TIMEOUT", 1.0)}}}
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request never waits on Redis: one publish attempt with a short connect timeout, no publish
# retry, no result subscription (config/queue.py); what could not be published is found by a sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 1.0)}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 1.0)
CELERY_TASK_PUBLISH_RETRY = False
# Notices (dispute/tip inbox, overdue, roster): a lease a dying worker gives up after this long, and
# the back-off of failed sends, doubling from the base to the cap (config/leases.py).
NOTICE_LEASE_SECONDS = env_int("NOTICE_LEASE_SECONDS", 600)
NOTICE_RETRY_BASE_SECONDS = env_int("NOTICE_RETRY_BASE_SECONDS", 60)
NOTICE_RETRY_MAX_SECONDS = env_int("NOTICE_RETRY_MAX_SECONDS", 3600)
# Idempotency keys (accounts/idempotency.py): how long a key is remembered, and how long a repeat
# waits for the first request still running before answering 409.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
IDEMPOTENCY_WAIT_SECONDS = env_float("IDEMPOTENCY_WAIT_SECONDS", 5.0)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call gets 401 with `WWW-Authenticate: Token`, not a 403.
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the throttles' client IP, as accounts/client_ip.py
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # NUL, lone surrogates, nesting deeper than JSON_MAX_DEPTH, oversized bodies: a 400 (config/json_guard.py)
    "DEFAULT_PARSER_CLASSES": [
        "config.json_guard.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "30/minute"),
        "user": env_str("API_THROTTLE_USER", "2000/hour"),
        "login": env_str("API_THROTTLE_LOGIN", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint Patrol Office API",
    "DESCRIPTION": "County police–security joint-patrol office (警保联勤).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags by resource (guards, companies...) rather than "v1"
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names recur across apps (status, kind...) get stable names.
    "ENUM_NAME_OVERRIDES": {
        "DisputeStatusEnum": "disputes.models.Dispute.Status",
        "DisputeReporterKindEnum": "disputes.models.Dispute.ReporterKind",
        "TipStatusEnum": "disputes.models.Tip.Status",
        "TipKindEnum": "disputes.models.Tip.Kind",
        "RosterStatusEnum": "training.models.TrainingRoster.Status",
        "PayoutStatusEnum": "rewards.models.PayoutRun.Status",
        "PointKindEnum": "rewards.models.PointRule.Kind",
        "AssessmentOutcomeEnum": "assessments.models.Assessment.Outcome",
        "EquipmentStatusEnum": "assessments.models.Equipment.Status",
        "EquipmentKindEnum": "assessments.models.Equipment.Kind",
        "TipOutcomeEnum": "disputes.models.Tip.Outcome",
        "PatrolStatusEnum": "patrol.models.Patrol.Status",
        "PatrolKindEnum": "patrol.models.PatrolKind",
        "CheckInStatusEnum": "patrol.models.CheckIn.Status",
    },
    # Errors, page bounds, no NUL in query strings, times as HH:MM[:SS] (config/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.complete_schema"],
}

# Routing of places to liaison points is cached per process and rebuilt when points or zones change
# (liaison_points/routing.py); this is the longest a process keeps a copy without checking the database.
ROUTING_MAX_AGE_SECONDS = env_int("ROUTING_MAX_AGE_SECONDS", 300)
# How often a process compares its copy with the shared version token (another process's change of a
# point or zone reaches it within this time; the process making the change sees it at once).
ROUTING_VERSION_CHECK_SECONDS = env_int("ROUTING_VERSION_CHECK_SECONDS", 2)
# The intake's hand-built statements are prepared once per PostgreSQL connection (config/prepared.py).
# Off behind a connection pooler in transaction mode (PgBouncer pool_mode = transaction).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# Map tiles (a Leaflet URL template). Empty, the default (and the demo's, `make run`): the maps draw no
# tile layer, only the township and zone outlines and the markers, and nothing is fetched from another
# host. Production sets its intranet tile server.
MAP_TILES_URL = (env_str("MAP_TILES_URL", "") or "").strip()
# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere but the map tiles.
# Style attributes and <style> are allowed only under /api/ (DRF's browsable API, Swagger UI): config/csp.py.
from csp.constants import NONE, SELF  # noqa: E402

from config.csp import tile_origin  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [tile_origin(MAP_TILES_URL)])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],  # the guard pages' service worker (/sw.js, config/pwa.py)
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
LEAFLET_CONFIG = {
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": env_str("MAP_ATTRIBUTION", "© OpenStreetMap"), "maxZoom": 18})] if MAP_TILES_URL else [],
    "DEFAULT_CENTER": (32.27, 111.60),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# Security: secure defaults when DEBUG is off (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Off on purpose: the browser preload list is for public domains, not a county intranet host.
        SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},  # axes: failures and lockouts only
}
if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks would log a "Task … succeeded" line each into the web server's output.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
# The periodic jobs, all in one place (django-celery-beat copies them into its tables on start).

# The office's rules (patrols, disputes, certificates, rosters, payouts, assessments, duty policy,
# bulletin) and its periodic jobs (CELERY_BEAT_SCHEDULE): config/settings_office.py.
from config.settings_office import *  # noqa: E402,F401,F403
