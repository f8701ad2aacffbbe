"""Joint Patrol Office settings. Every knob comes from the environment (see .env.example); the
defaults run on one machine with nothing else: SQLite, Celery eager, email written to var/outbox/."""
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
    "accounts",
    "liaison_points",
    "guards",
    "rewards",
    "training",
    "assessments",
    "patrol",
    "disputes",
    "bulletins",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

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
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis: when unset, Celery runs tasks eagerly in-process and the cache is local memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # The cache lives in its own Redis database: clearing it must never flush queued Celery tasks.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env_str("REDIS_CACHE_URL") or redis_db_url(REDIS_URL, offset=1)}}
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
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
}

MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LEAFLET_CONFIG = {
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": env_str("MAP_ATTRIBUTION", "© OpenStreetMap"), "maxZoom": 18})],
    "DEFAULT_CENTER": (32.27, 111.60),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# Domain knobs.
PATROLS_PER_WEEK_MIN = env_int("PATROLS_PER_WEEK_MIN", 3)

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
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks would log a "Task … succeeded" line each into the web server's output.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
PATROL_CHECKIN_EARLY_MINUTES = env_int("PATROL_CHECKIN_EARLY_MINUTES", 30)
PATROL_LATE_AFTER_MINUTES = env_int("PATROL_LATE_AFTER_MINUTES", 10)

# Disputes and tips (disputes app).
DISPUTE_FIRST_RESPONSE_HOURS = env_int("DISPUTE_FIRST_RESPONSE_HOURS", 24)
DISPUTE_RESOLUTION_DAYS = env_int("DISPUTE_RESOLUTION_DAYS", 7)
# Per-category overrides of the two deadlines, e.g. land disputes take a month.
DISPUTE_DUE_BY_CATEGORY = {
    "land": {"resolution_days": env_int("DISPUTE_LAND_RESOLUTION_DAYS", 30)},
    "labour": {"resolution_days": env_int("DISPUTE_LABOUR_RESOLUTION_DAYS", 15)},
}
DISPUTE_FOLLOW_UP_DAYS = [int(d) for d in env_list("DISPUTE_FOLLOW_UP_DAYS", ["7", "30"])]
DISPUTE_DUPLICATE_METRES = env_int("DISPUTE_DUPLICATE_METRES", 300)
DISPUTE_DUPLICATE_DAYS = env_int("DISPUTE_DUPLICATE_DAYS", 3)
TIP_ATTACHMENT_MAX_BYTES = env_int("TIP_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT") or str(VAR_DIR / "private")
# The periodic jobs, all in one place (django-celery-beat copies them into its tables on start).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "patrol-plans-generate": {"task": "patrol.tasks.plans_generate_task", "schedule": crontab(hour=1, minute=15)},
    "disputes-flag-overdue": {"task": "disputes.tasks.disputes_flag_overdue_task", "schedule": 15 * 60},
    "disputes-send-pending-notices": {"task": "disputes.tasks.disputes_send_pending_notices_task", "schedule": 5 * 60},
    # First day of each quarter, 06:00: draft training rosters for every company.
    "guards-rosters-compile": {
        "task": "training.tasks.rosters_compile_task",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    "guards-roster-notifications-sweep": {"task": "training.tasks.roster_notifications_sweep_task", "schedule": crontab(minute="*/15")},
    # Second day of each month, 06:30: last month's payout, for officer approval.
    "guards-payout-compute": {"task": "rewards.tasks.payout_compute_task", "schedule": crontab(day_of_month=2, hour=6, minute=30)},
    # The weekly bulletin: compiled Monday 07:00 for the week just ended, sent at 08:00.
    "bulletin-compile": {"task": "bulletins.tasks.bulletin_compile_task", "schedule": crontab(day_of_week="mon", hour=7, minute=0)},
    "bulletin-send": {"task": "bulletins.tasks.bulletin_send_task", "schedule": crontab(day_of_week="mon", hour=8, minute=0)},
    "bulletin-deliveries-sweep": {"task": "bulletins.tasks.bulletin_deliveries_sweep_task", "schedule": crontab(minute="*/10")},
}

# Guard lifecycle (issue 6).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
CERT_EXAM_PASS_MARK = env_int("CERT_EXAM_PASS_MARK", 60)
CERT_VALID_YEARS = env_int("CERT_VALID_YEARS", 3)
ROSTER_MAX_SHARE = env_float("ROSTER_MAX_SHARE", 0.4)
PAYOUT_YUAN_PER_POINT = env_str("PAYOUT_YUAN_PER_POINT", "5.00")
ASSESSMENT_PATROL_TARGET = env_int("ASSESSMENT_PATROL_TARGET", 8)
ASSESSMENT_PASS_SCORE = env_int("ASSESSMENT_PASS_SCORE", 60)
ASSESSMENT_WARNING_SCORE = env_int("ASSESSMENT_WARNING_SCORE", 45)

# Weekly bulletin (issue 5).
BULLETIN_CERTIFICATE_TARGET = env_int("BULLETIN_CERTIFICATE_TARGET", 90)
BULLETIN_DELIVERY_MAX_ATTEMPTS = env_int("BULLETIN_DELIVERY_MAX_ATTEMPTS", 5)
BULLETIN_MESSAGE_ID_DOMAIN = env_str("BULLETIN_MESSAGE_ID_DOMAIN", "jpo.localhost")
