"""StudySmart settings: one file, every difference between environments comes from env vars.

Embedded defaults (SQLite, in-memory channel layer, django-q2 ORM broker, offline tutor model)
let a newcomer start with one command; DATABASE_URL, REDIS_URL and GOOGLE_API_KEY switch on the
production components. `.env.example` lists every variable.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def default_data_dir() -> Path:
    # Per checkout, outside the code tree: two clones never share a database or model files.
    tag = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]
    return Path.home() / ".local" / "share" / "studysmart" / f"{BASE_DIR.name}-{tag}"


DEBUG = env_bool("DEBUG", False)

DATA_DIR = Path(env_str("STUDYSMART_DATA_DIR") or default_data_dir()).resolve()
MODEL_DIR = Path(env_str("MODEL_DIR") or DATA_DIR / "models").resolve()
if not MODEL_DIR.is_absolute() or MODEL_DIR.is_relative_to(BASE_DIR):
    raise ImproperlyConfigured(f"MODEL_DIR must be an absolute path outside {BASE_DIR}")
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The question bank and the tutor's notes as files (docs/content.md); seeding reads them.
CONTENT_DIR = Path(env_str("CONTENT_DIR") or BASE_DIR / "content").resolve()


def load_secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: generated once per checkout and kept beside the database, not in git.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = load_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if not DEBUG and "*" in ALLOWED_HOSTS:
    # A wildcard also disables the websocket origin check (Channels' AllowedHostsOriginValidator).
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused CSRF check answers an API client in JSON (docs/errors.md), a browser with Django's page.
CSRF_FAILURE_VIEW = "studysmart.errors.csrf_failure"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_q",
    "django_prometheus",
    "axes",
    "csp",
    "studysmart",
    "tasks",
    "mlmodels",
    "tutor",
    "classes",
    "operations",
]

MIDDLEWARE = [
    # Outermost: every log line of the request carries its id (studysmart/request_context.py).
    "studysmart.request_context.RequestIdMiddleware",
    # Request counts and latencies for /metrics: the outermost pair sees every response.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First: its Server-Timing header covers everything below.
    "studysmart.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "studysmart.middleware.OutageMiddleware",  # 503 on outages; its docstring: why here
    # Marks this process alive (restore refuses while any web process is).
    "operations.heartbeat.ProcessHeartbeatMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Text that cannot be stored (NUL, lone surrogates) is refused here, before any view.
    "studysmart.middleware.StorableInputMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "studysmart.urls"
ASGI_APPLICATION = "studysmart.asgi.application"
WSGI_APPLICATION = "studysmart.wsgi.application"

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
                "studysmart.context_processors.theme",
            ],
        },
    },
]


SQLITE_ENGINE = "django.db.backends.sqlite3"
# Measured under bench_load (docs/architecture.md, "Processes"): WAL + IMMEDIATE + a lock
# timeout turn thousands of "database is locked" errors under concurrent writers into a handful.
# Django's own backends, wrapped by django-prometheus to count queries and errors for /metrics;
# SQLite's also queues a process's write transactions (studysmart/sqlite_backend/base.py).
COUNTED_ENGINES = {
    SQLITE_ENGINE: "studysmart.sqlite_backend",
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
}
# A SQLite connection is a file handle: the threads that use the database keep theirs (a few:
# the websocket consumers' one thread, the reused request threads). Opening one per database hop
# — connect, pragmas, Django's SQL functions — then closing it was ~30 % of a tutor turn's CPU
# in a burst of asks (docs/architecture.md, "Stack facts").
SQLITE_CONN_MAX_AGE = 600
# PostgreSQL's connections are kept for a minute: with a new one per request (connect, auth, a
# backend process forked) bench_completion's PATCH took 34.5 ms at the median and 183 ms at p99
# during training, against 20.1 and 47 ms with kept ones (docs/architecture.md, "Stack facts").
# A web process keeps at most ~22 (IDLE_THREADS request threads of studysmart/asgi_handler.py,
# the tutor's database pool, Channels' consumer thread); threads a burst adds close theirs when
# they end. Raise max_connections, or set DB_CONN_MAX_AGE=0 and put PgBouncer in front, for
# more web processes than max_connections / 25 less the workers.
POSTGRES_CONN_MAX_AGE = 60
SQLITE_OPTIONS: dict[str, object] = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def sqlite_settings(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with what every SQLite file gets: the default one and DATABASE_URL=sqlite:///…"""
    return {
        **config,
        "ENGINE": COUNTED_ENGINES[SQLITE_ENGINE],
        "OPTIONS": {**SQLITE_OPTIONS, **config.get("OPTIONS", {})},
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", SQLITE_CONN_MAX_AGE),
    }


def database_settings() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    if url:
        import dj_database_url

        config: dict[str, Any] = dict(dj_database_url.parse(url))
        if config["ENGINE"] == SQLITE_ENGINE:
            return sqlite_settings(config)
        config["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", POSTGRES_CONN_MAX_AGE)
        config["ENGINE"] = COUNTED_ENGINES.get(config["ENGINE"], config["ENGINE"])
        config["CONN_HEALTH_CHECKS"] = True
        # A libpq option: SQLite's driver refuses it (TypeError), so PostgreSQL only.
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
        return config
    return sqlite_settings(
        {
            # SQLITE_PATH puts the file elsewhere than the data directory; the worker tests
            # point their qcluster children at pytest-django's test database with it.
            "NAME": Path(env_str("SQLITE_PATH") or DATA_DIR / "db.sqlite3"),
            # A file, not the in-memory default: tests start real qcluster and daphne processes.
            "TEST": {"NAME": str(DATA_DIR / "test-db.sqlite3")},
        }
    )


DATABASES = {"default": database_settings()}
# A database statement slower than this is logged (WARNING, with its SQL); 0 turns that off.
SLOW_QUERY_MS = env_float("SLOW_QUERY_MS", 500.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# channels-redis' RedisChannelLayer.brpop_timeout: how long one blocking receive waits.
CHANNEL_LAYER_BLOCKING_SECONDS = 5

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "studysmart",
            # A Redis that hangs rather than refusing connections must not hang requests: the
            # error is answered 503 by studysmart.middleware within these seconds.
            "OPTIONS": {
                # One pool per process, not one per thread (each request has its own thread).
                "pool_class": "studysmart.cache.SharedConnectionPool",
                "socket_connect_timeout": env_float("REDIS_TIMEOUT_SECONDS", 2.0),
                "socket_timeout": env_float("REDIS_TIMEOUT_SECONDS", 2.0),
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_connect_timeout": env_float("REDIS_TIMEOUT_SECONDS", 2.0),
                        # An idle socket's receive is a blocking BZPOPMIN of up to
                        # CHANNEL_LAYER_BLOCKING_SECONDS; the read must outlast it (redis-py 8
                        # defaults to 5 s, which ends every idle socket with a TimeoutError),
                        # yet still notice a Redis that stopped answering.
                        "socket_timeout": CHANNEL_LAYER_BLOCKING_SECONDS + 5,
                    }
                ],
                "prefix": "studysmart",
            },
        }
    }
else:
    # A database cache, not local memory: the web process, the workers and qmonitor share it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "studysmart_cache",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# django-q2. Delivery is at-least-once: a task still running after `retry` seconds is handed out
# again, so timeout < retry, bounded attempts, no catch-up, and jobs are idempotent.
TRAINING_TIMEOUT_SECONDS = env_int("TRAINING_TIMEOUT_SECONDS", 900)
Q_CLUSTER: dict[str, object] = {
    "name": "studysmart",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 500,
    "recycle": 200,
    "max_rss": 1_500_000,  # KiB: a worker past ~1.5 GB is recycled after its task
    "ack_failures": True,
    "label": "Jobs",
    "ALT_CLUSTERS": {
        # One worker trains at a time; its own queue so training never delays small jobs.
        "ml": {
            "workers": 1,
            "timeout": TRAINING_TIMEOUT_SECONDS,
            "retry": TRAINING_TIMEOUT_SECONDS + 300,
            "max_attempts": 2,
            # TensorFlow keeps memory between fits (~60 MiB a training, bench_soak): a fresh
            # worker every 5 trainings, besides max_rss.
            "recycle": 5,
        },
    },
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tasks:dashboard"
LOGOUT_REDIRECT_URL = "login"

# A reverse proxy in front (nginx, a load balancer) that sets X-Forwarded-For/-Proto. Off, the
# forwarded headers are ignored: a client talking to daphne directly could name any address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# Proxies between the client and daphne, each appending to X-Forwarded-For.
PROXY_COUNT = max(1, env_int("PROXY_COUNT", 1))

# Login throttling (django-axes, studysmart/lockout.py): 5 failures for one username from one
# address lock that pair; 20 for one username from any addresses lock the username (a spray).
# Either lock lasts the cool-off; failures while locked are not counted, so it ends then.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "studysmart.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "studysmart.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "studysmart.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# E-mail (password resets): printed to the console unless an SMTP server is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "StudySmart <no-reply@localhost>")
# A reset link (e-mailed, or issued by a teacher from the admin) works once, for three days.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 3 * 24 * 3600)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve straight from the source folders when there is no collected copy (tests, first run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# Content Security Policy from the first page on: no inline code, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security headers and cookies. HTTPS follows DEBUG unless set: a local run over plain http
# (DEBUG=1) still gets a login cookie; production defaults to the strict settings.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Prometheus scrapes each process over plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SILENCED_SYSTEM_CHECKS: list[str] = []

# Student models. TensorFlow's C++ start-up chatter is noise in worker logs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
RETRAIN_EVERY_N_COMPLETIONS = env_int("RETRAIN_EVERY_N_COMPLETIONS", 5)
RETRAIN_MIN_INTERVAL_SECONDS = env_int("RETRAIN_MIN_INTERVAL_SECONDS", 60)
TRAINING_THREADS = env_int("TRAINING_THREADS", 1)
if os.environ.get("Q_CLUSTER_NAME") == "ml":
    # The training worker: NumPy's BLAS would otherwise start a thread per core beside
    # TensorFlow's one, and the web processes on the machine need the other core.
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, str(TRAINING_THREADS))
# A running training with no heartbeat for this long lost its worker and is marked abandoned.
TRAINING_STALE_SECONDS = env_int("TRAINING_STALE_SECONDS", 120)
# A queued training not started this long after it was queued, with nothing left in the ml
# queue, lost its queue entry (Redis down or restarted): the minute check re-delivers it.
TRAINING_REDELIVER_SECONDS = env_int("TRAINING_REDELIVER_SECONDS", 120)
# Adaptive assignment aims at tasks the student has about this chance of getting right.
PRACTICE_TARGET_P_CORRECT = env_float("PRACTICE_TARGET_P_CORRECT", 0.7)
# A practised topic whose predicted chance has decayed below this since its last practice is
# due for review; at most this share of a new batch (at least one task) goes to due reviews.
REVIEW_TARGET_P_CORRECT = env_float("REVIEW_TARGET_P_CORRECT", 0.7)
REVIEW_SHARE = env_float("REVIEW_SHARE", 0.4)

# Classes: due dates are entered in the school's zone (students see their own local time).
SCHOOL_TIME_ZONE = env_str("SCHOOL_TIME_ZONE", "Europe/London")
try:
    ZoneInfo(SCHOOL_TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"SCHOOL_TIME_ZONE is no time zone: {SCHOOL_TIME_ZONE!r}") from None
# A student with no completed task for this many days is listed as inactive in the class view.
CLASS_INACTIVE_DAYS = env_int("CLASS_INACTIVE_DAYS", 7)
# This many wrong answers in a row puts a student on the class view's "struggling" list.
CLASS_WRONG_IN_A_ROW = env_int("CLASS_WRONG_IN_A_ROW", 3)
# Wrong join codes: this many per person (or address, at sign-up) per window, then a pause.
CLASS_JOIN_ATTEMPTS = env_int("CLASS_JOIN_ATTEMPTS", 5)
CLASS_JOIN_WINDOW_SECONDS = env_int("CLASS_JOIN_WINDOW_SECONDS", 900)
# Open tutor and live-updates sockets whose session expired or was deleted are closed within
# this many seconds (a logout closes them at once; each tutor ask re-checks its session).
LIVE_SOCKET_SWEEP_SECONDS = env_float("LIVE_SOCKET_SWEEP_SECONDS", 30.0)

# AI tutor
GOOGLE_API_KEY = env_str("GOOGLE_API_KEY")
TUTOR_MODEL = env_str(
    "TUTOR_MODEL", "google_genai:gemini-2.5-flash" if GOOGLE_API_KEY else "offline"
)
TUTOR_EMBEDDINGS = env_str(
    "TUTOR_EMBEDDINGS", "google_genai:gemini-embedding-001" if GOOGLE_API_KEY else "offline"
)
# Another server speaking the Gemini REST API (a gateway, or the loopback stand-in in tests).
TUTOR_BASE_URL = env_str("TUTOR_BASE_URL")
TUTOR_TIMEOUT_SECONDS = env_float("TUTOR_TIMEOUT_SECONDS", 20.0)
# Pause between streamed tokens of the offline model (0 = as fast as possible).
TUTOR_STREAM_DELAY_SECONDS = env_float("TUTOR_STREAM_DELAY_SECONDS", 0.0)
TUTOR_MAX_RETRIES = env_int("TUTOR_MAX_RETRIES", 1)
TUTOR_MAX_MESSAGE_CHARS = env_int("TUTOR_MAX_MESSAGE_CHARS", 2000)
TUTOR_RATE_LIMIT_PER_MINUTE = env_int("TUTOR_RATE_LIMIT_PER_MINUTE", 20)
TUTOR_HISTORY_TOKEN_BUDGET = env_int("TUTOR_HISTORY_TOKEN_BUDGET", 300)

# Operating it (README "Operating it"): backups, a student's data, metrics.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or DATA_DIR / "backups").resolve()
# "" (off), "hourly", "daily" or "weekly": a django-q2 schedule on the jobs cluster.
BACKUP_SCHEDULE = env_str("BACKUP_SCHEDULE", "")
if BACKUP_SCHEDULE not in ("", "hourly", "daily", "weekly"):
    raise ImproperlyConfigured(
        f"BACKUP_SCHEDULE must be empty, hourly, daily or weekly, got {BACKUP_SCHEDULE!r}"
    )
BACKUP_KEEP = env_int("BACKUP_KEEP", 7)
# Inactive model versions whose files the operator's page keeps for a roll-back, per kind.
MODEL_KEEP_VERSIONS = env_int("MODEL_KEEP_VERSIONS", 3)
# Erasing a student: their attempts stay under a random id for the models ("keep") or go too.
ERASE_ATTEMPTS = env_str("ERASE_ATTEMPTS", "keep")
if ERASE_ATTEMPTS not in ("keep", "delete"):
    raise ImproperlyConfigured(f"ERASE_ATTEMPTS must be keep or delete, got {ERASE_ATTEMPTS!r}")
# A web process refreshes its heartbeat row this often while it serves requests; restore
# refuses while any row is younger than PROCESS_HEARTBEAT_STALE_SECONDS.
PROCESS_HEARTBEAT_SECONDS = env_int("PROCESS_HEARTBEAT_SECONDS", 30)
PROCESS_HEARTBEAT_STALE_SECONDS = env_int("PROCESS_HEARTBEAT_STALE_SECONDS", 90)
# /metrics answers these client addresses (or networks), judged by the address the request
# came from (the proxy's forwarded one only with BEHIND_PROXY), or a bearer METRICS_TOKEN.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN")

# LOG_FORMAT=json: one JSON object per line, with the request id (README "Operating it").
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
# Every handler carries the request id and the secret-redaction filter (studysmart/logging.py):
# a handler's filter sees the records of every logger that propagates to it, JSON lines included.
# A handler added here must list both too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "studysmart.request_context.RequestIdFilter"},
        "redact_secrets": {"()": "studysmart.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},  # its INFO lines carry request URLs (and Gemini's ?key=)
    },
}
