"""Settings shared by every environment.

Everything lives here; environments differ only by environment variables
(see ``production.py`` for the variables production insists on). With no
variables set, the platform runs on an embedded default that needs no server:
SQLite, a filesystem Celery broker and e-mail written to a folder.
"""

import urllib.parse
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

from config.secret_key import GENERATE, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# No default: the embedded default makes a key of its own (local.py). With a
# database server, every web and worker process must share one given key
# (it also opens the papers of open ballots), and a public or weak one is
# refused before anything reads or writes that database.
SECRET_KEY = env.str("SECRET_KEY", default="")
DATABASE_SERVER = not env.str("DATABASE_URL", default="sqlite:").startswith("sqlite:")
if DATABASE_SERVER and not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is missing: with a database server (DATABASE_URL) every web and worker process must share "
        f"one key, which signs sessions and opens the papers of open ballots. Set it; generate one with: {GENERATE}"
    )
if DATABASE_SERVER and (_problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(f"SECRET_KEY is not usable: {_problem}. Generate one with: {GENERATE}")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "accounts",
    "governance",
    "meetings",
    "ballots",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "governance.middleware.RequestMFAMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.middleware.ApiErrorsAsJsonMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own cursors bind client-side and never prepare; this lets the
    # hot statements run through core.db.prepared_cursor (the vote, the API
    # token lookup) be prepared once per connection.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
    # A pool of at most DB_POOL_MAX_SIZE connections per process, set by the
    # ASGI entry point (config/asgi.py): under uvicorn every request runs its
    # views in a thread of its own, so "persistent" connections become one
    # new connection per request in flight, and a burst of anonymous
    # requests (a thousand phones polling) exhausts the server's
    # max_connections for everyone (measured: bench/room_push.py). With a
    # pool, requests beyond it wait their turn for DB_POOL_TIMEOUT seconds.
    # Celery's worker and beat keep one persistent connection per process.
    if (pool_max := env.int("DB_POOL_MAX_SIZE", default=0)) > 0:
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": pool_max,
            "timeout": env.float("DB_POOL_TIMEOUT", default=20.0),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker and beat share one SQLite file: wait for locks
    # instead of failing, and let readers run beside the writer. Deleted
    # rows are overwritten with zeros (secure_delete), so the pending papers
    # a close deletes leave nothing in the file; the close then truncates
    # the WAL (ballots/services/storage.py).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: e-mail is the login, verified before use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Failed sign-ins: 5 for one account from one address, then that address is
# refused for that account until 20 minutes after the first failure (so at
# least 15 minutes after five failures inside five): accounts.login_limits,
# keyed on account and address together, so an attacker elsewhere cannot
# lock a member out. Here, allauth's own limit: 20 failures in 5 minutes from
# one address (any accounts) refuse that address. Every per-address limit
# counts an IPv6 client by its /64 (core.client_ip.address_bucket). Failures
# for one account from any address lock it: ACCOUNTS_LOCKOUT_* below. Behind
# a proxy, set TRUSTED_PROXY_COUNT.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# How many reverse proxies of ours append to X-Forwarded-For in front of the
# web processes. The client's address is that many entries from the right;
# with 0 the header is ignored. One rule for every limit keyed on the address
# (core/client_ip.py): allauth's, through the adapter, and DRF's throttles.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Agora] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# E-mail: a folder by default; EMAIL_URL=smtp://host:port for real delivery.
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url("EMAIL_URL"))
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Builds each recipient's one-click link (footer and List-Unsubscribe) from the
# e-mail's kind: the attention digest's link stops the digest, others optional mail.
OUTBOX_UNSUBSCRIBE_LINK = "accounts.services.unsubscribe_link"
# First retry delay of a failed e-mail; doubles on each attempt, capped at an hour.
OUTBOX_BACKOFF_SECONDS = env.float("OUTBOX_BACKOFF_SECONDS", default=30.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Agora <noreply@agora.localhost>")

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport,
# so that a real worker and beat run without any server.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # A task whose worker died is redelivered after this many seconds;
        # longer than any tally, much shorter than Redis's one-hour default.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    }
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every task declares its own soft and hard limits (see each tasks.py); these
# catch any task that does not.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
BALLOTS_SWEEP_SECONDS = env.float("BALLOTS_SWEEP_SECONDS", default=15.0)
CELERY_BEAT_SCHEDULE = {
    "ballots-close-due": {"task": "ballots.close_due_ballots", "schedule": BALLOTS_SWEEP_SECONDS},
    "ballots-open-due": {"task": "ballots.open_due_ballots", "schedule": BALLOTS_SWEEP_SECONDS},
    "ballots-close-nominations": {"task": "ballots.close_due_nominations", "schedule": BALLOTS_SWEEP_SECONDS},
    "ballots-reminders": {"task": "ballots.send_due_reminders", "schedule": BALLOTS_SWEEP_SECONDS * 4},
    # Declared results left without their public files (declared before they
    # were stored, or the build task lost): a few ballots per sweep.
    "ballots-publish-missing-files": {"task": "ballots.publish_missing_result_files", "schedule": 60.0},
    # Trustees who owe a step (a key, a shuffle, a decryption): once a day each, by the outbox key.
    "ballots-verifiable-trustee-reminders": {"task": "ballots.verifiable_trustee_reminders", "schedule": 3600.0},
    "core-send-outbox": {"task": "core.send_pending_outbox", "schedule": BALLOTS_SWEEP_SECONDS * 4},
    "governance-roll-imports-resume": {"task": "governance.roll_imports_resume", "schedule": 60.0},
    # The daily "needs your attention" e-mail, sent each morning to whoever
    # has something new on the list (accounts.digest).
    "accounts-attention-digests": {
        "task": "accounts.send_attention_digests",
        "schedule": crontab(hour=env.int("ACCOUNTS_DIGEST_HOUR", default=7), minute=0),
    },
}

# Request bodies: refused with 413 above these sizes before they are read
# (core.middleware.RequestBodyLimitMiddleware); the API's JSON parser also
# reads no more than the limit and refuses nesting deeper than the depth.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

REST_FRAMEWORK = {
    # Token first: DRF answers a missing or bad credential with the first
    # class's challenge, so API clients get 401 + WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
}
# The same limit for the site's expensive public pages, per anonymous client
# address (core.api.throttling.PageRateThrottle, core.rate_limits): a
# declared result's page and its downloads, which anyone may fetch in a loop.
PAGE_THROTTLE_RATES = {
    "public_pages": env.str("PAGE_THROTTLE_PUBLIC_PAGES", default="60/min"),
    "result_downloads": env.str("PAGE_THROTTLE_RESULT_DOWNLOADS", default="30/min"),
}
# Forms render through the design system's templates (templates/forms/,
# templates/django/forms/widgets/): labels, hints, errors and classes in one place.
FORM_RENDERER = "core.forms.SiteFormRenderer"

SPECTACULAR_SETTINGS = {
    # Swagger UI is served from drf-spectacular-sidecar's files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Agora API",
    "DESCRIPTION": "Members, motions, meetings and secret ballots. Errors are JSON objects {code, message}.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several serializers have a field "kind" with different choices: name Body's.
    "ENUM_NAME_OVERRIDES": {"BodyKindEnum": "governance.models.Body.Kind"},
    # Every operation documents its error responses ({code, message}); see the hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.exception_handler.document_error_responses",
        # Every operation has a one-line summary (its own, or core.api.summaries').
        "core.api.summaries.fill_summaries",
    ],
}


def _redis_cache(**extra: object) -> dict[str, object]:
    """A Redis cache that fails open: what lives in it (rate-limit counters,
    import progress) may be lost, so when Redis is down or hangs, reads miss
    and writes are dropped after half a second, with the error logged,
    instead of refusing the request. Voting must not depend on Redis."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        **extra,
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {
    # Rate-limit counters: when Redis fails they are kept in this process
    # instead (core/cache.py), so limits neither vanish nor refuse everyone.
    "default": _redis_cache(BACKEND="core.cache.FailoverRedisCache")
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Per-process counters with no round trip (core/api/throttling.py).
    "in_process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "in-process"},
}

# Pushing the room's state to its screens (meetings/services/live.py). With
# Redis, every web process shares the groups through Redis' publish/subscribe
# (one PUBLISH per group and message, each process fanning it out to its own
# sockets); without it (the embedded default) the groups live in the one web
# process that scripts/run.sh starts, which is where every room change is made.
# Redis's publish/subscribe channels belong to the whole server, whatever the
# database number in REDIS_URL: without a prefix of its own, a site would push
# its rooms' states to the sockets of another site (or test run, or bench)
# sharing that Redis and having a meeting of the same id. The prefix carries
# the database number, which is what separates sites sharing a Redis.
_redis_db = urllib.parse.urlsplit(REDIS_URL).path.strip("/")
CHANNELS_PREFIX = env.str("CHANNELS_PREFIX", default=f"agora.db{_redis_db if _redis_db.isdigit() else 0}")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNELS_PREFIX},
    }
    if REDIS_URL
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
}

# Security headers on every response; production adds HTTPS-only flags.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp writes the header (csp.middleware.CSPMiddleware). Pages use no
# inline script or style, so the policy stays strict with no nonce. The live
# room's WebSocket is same-origin: CSP Level 3's 'self' covers ws:/wss: there.
# No report-uri: violations are not collected.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "style-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
        "base-uri": [CSP_SELF],
        "object-src": [CSP_NONE],
    }
}

# --- accounts: allauth, MFA, invitations (owned by the accounts work) ---
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SupporterSignupForm"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Resetting a password by e-mailed link proves control of the mailbox: sign in.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
MFA_TOTP_ISSUER = "Agora"
# One period either side: phones drift, and a code is still single-use.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# How long an invitation link from the roll stays valid (seconds).
ACCOUNTS_INVITATION_MAX_AGE = env.int("ACCOUNTS_INVITATION_MAX_AGE", default=60 * 60 * 24 * 21)
# National administrators must use MFA on officer pages when this is on;
# units opt officers and returning officers in with accounts.UnitAccessPolicy.
ACCOUNTS_MFA_REQUIRED_FOR_ADMINS = env.bool("ACCOUNTS_MFA_REQUIRED_FOR_ADMINS", default=False)
# Failed guesses at one account from *any* address (accounts.lockouts):
# this many wrong passwords, or wrong authenticator codes, within the window
# lock the account for ACCOUNTS_LOCKOUT_SECONDS, or until an officer of the
# member's unit lifts it. The owner is e-mailed once per lockout.
ACCOUNTS_LOCKOUT_PASSWORD_FAILURES = env.int("ACCOUNTS_LOCKOUT_PASSWORD_FAILURES", default=20)
ACCOUNTS_LOCKOUT_CODE_FAILURES = env.int("ACCOUNTS_LOCKOUT_CODE_FAILURES", default=10)
ACCOUNTS_LOCKOUT_WINDOW_SECONDS = env.int("ACCOUNTS_LOCKOUT_WINDOW_SECONDS", default=60 * 60)
ACCOUNTS_LOCKOUT_SECONDS = env.int("ACCOUNTS_LOCKOUT_SECONDS", default=60 * 60)
# Our authenticator-code forms: they refuse codes while the account is
# locked and count wrong ones against the account (accounts.mfa_forms).
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.mfa_forms.MFAReauthenticateForm",
}
# Token requests: every attempt per client address, and failed attempts
# (password or authenticator code) per account from any address.
ACCOUNTS_TOKEN_THROTTLE = env.str("ACCOUNTS_TOKEN_THROTTLE", default="10/min")
ACCOUNTS_TOKEN_ACCOUNT_THROTTLE = env.str("ACCOUNTS_TOKEN_ACCOUNT_THROTTLE", default="10/h")
# --- end accounts ---

# --- governance: roll import, documents (owned by the governance work) ---
# Roll import progress is written by the worker and read by the web server,
# so it needs a cache both processes see: Redis, or else a folder in VAR_DIR.
CACHES["governance_progress"] = (
    _redis_cache(KEY_PREFIX="gov")
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "governance-progress"),
    }
)
GOVERNANCE_PROGRESS_CACHE = "governance_progress"
GOVERNANCE_ROLL_MAX_BYTES = env.int("GOVERNANCE_ROLL_MAX_BYTES", default=50 * 1024 * 1024)
# A multipart body (the roll upload) may carry a whole roll and its form fields.
REQUEST_UPLOAD_MAX_BYTES = env.int("REQUEST_UPLOAD_MAX_BYTES", default=GOVERNANCE_ROLL_MAX_BYTES + 1024 * 1024)
GOVERNANCE_API_PAGE_SIZE = 50
# --- end governance ---

# --- meetings: motions and meetings (owned by the meetings work) ---
# Beat sends each meeting's notice when its notice period begins.
MEETINGS_NOTICE_SWEEP_SECONDS = env.float("MEETINGS_NOTICE_SWEEP_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["meetings-send-due-notices"] = {
    "task": "meetings.send_due_notices",
    "schedule": MEETINGS_NOTICE_SWEEP_SECONDS,
}
# How often the projector and console poll the live state of a meeting (ms).
MEETINGS_LIVE_POLL_MS = env.int("MEETINGS_LIVE_POLL_MS", default=2000)
# Check-in attempts per member, on the page and the API together (the room
# code's guessing limit, meetings/throttling.py).
MEETINGS_CHECK_IN_THROTTLE = env.str("MEETINGS_CHECK_IN_THROTTLE", default="10/min")
# Discussion on motions: a post may be edited by its author for this long,
# and may be at most this long (characters).
MEETINGS_DISCUSSION_EDIT_MINUTES = env.int("MEETINGS_DISCUSSION_EDIT_MINUTES", default=15)
MEETINGS_DISCUSSION_POST_MAX_CHARS = env.int("MEETINGS_DISCUSSION_POST_MAX_CHARS", default=5000)
# Beat sends the daily digest of new posts to followers who chose it.
CELERY_BEAT_SCHEDULE["meetings-send-discussion-digests"] = {
    "task": "meetings.send_discussion_digests",
    "schedule": env.float("MEETINGS_DIGEST_SWEEP_SECONDS", default=24 * 60 * 60.0),
}
# --- end meetings ---

# Ballot secrecy: results are not broken down for electorates below this size.
BALLOTS_MIN_BREAKDOWN_ELECTORATE = env.int("BALLOTS_MIN_BREAKDOWN_ELECTORATE", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
