"""Settings shared by every environment; secrets come only from the environment."""

import os
import shutil
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit from the environment, ``COUNT/SECONDS`` (e.g. ``120/60``), both positive;
    anything else stops the start with a message naming the variable."""
    raw = os.environ.get(name, default).strip()
    count, slash, seconds = raw.partition("/")
    if not (slash and count.isdigit() and seconds.isdigit() and int(count) and int(seconds)):
        raise ImproperlyConfigured(
            f"{name} must be COUNT/SECONDS with two whole numbers above 0, e.g. 120/60 for 120"
            f" requests a minute; it is {raw!r}."
        )
    return int(count), int(seconds)


BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

# Only apps something here uses. Wagtail's form pages and oEmbed embeds are not (an oEmbed fetch
# from a provider's server also fails on an offline government intranet; a report's PDF route
# uses RoutablePageMixin, which needs no app of its own), nor is Django's own admin (Wagtail's
# admin is the editors' whole workplace).
INSTALLED_APPS = [
    "portal",
    "disclosure",
    "surveys",
    "search",
    "opendata",
    "api",  # the public read API at /api/v1/ (Django REST framework)
    "wagtail.contrib.redirects",  # RedirectMiddleware: editors redirect moved pages' addresses
    "wagtail.contrib.settings",  # portal.models.SiteIdentity
    "wagtail.contrib.table_block",  # disclosure.blocks.DataTableBlock
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",  # /documents/: files (PDF, CSV, XLSX) linked from pages
    "wagtail.images",  # images in the home page's introduction
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",  # tags of Wagtail's images and documents
    "django_tasks",
    "captcha",  # django-simple-captcha: the rating form (surveys/)
    "django_tasks_db",  # TASKS' database backend in production (manage.py db_worker)
    "axes",  # failed sign-ins per account and address, lockouts (AXES_* below)
    "csp",  # the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    "rest_framework",  # api/
    "drf_spectacular",  # the API's OpenAPI 3 document (SPECTACULAR_SETTINGS below)
    "drf_spectacular_sidecar",  # Swagger UI from our own static files (no CDN)
    "corsheaders",  # CORS on /api/ only (CORS_* below)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # Wagtail's admin uses its filters (intcomma, naturaltime)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that cached pages (answered by the last middleware) carry the headers too.
    "portal.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before CommonMiddleware: the API's answers (and its preflights) carry the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.links.LinkContextMiddleware",
    # Turns django-axes' lockout into the login page's message (portal.accounts).
    "axes.middleware.AxesMiddleware",
    # Last, so a cached page still passes through every middleware above on its way out.
    "portal.cache.CachedPageMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # {% url 'name' %} rendered once per URL configuration and language, then read
            # back; {% translate "…" %} likewise in templates that load portal_i18n
            # (docs/decisions/0009-constant-template-tags.md).
            "builtins": ["portal.templatetags.constant_url"],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite for the zero-setup demo; PostgreSQL (DATABASE_URL) in production and tests.
DATABASES = {
    # Connections are kept for a minute and checked before reuse: after a database restart a
    # worker reconnects by itself instead of failing its next request (portal/errors.py).
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}


def use_prepared_statements(database: dict) -> dict:
    """PostgreSQL: bind parameters on the server and keep a query's plan once it has run five
    times on a connection (psycopg's prepare_threshold). A public page runs the same few
    queries for every visitor; planning them again each time cost PostgreSQL half its CPU per
    page (bench/). DATABASE_PREPARED_STATEMENTS=0 turns it off, e.g. behind a pgbouncer in
    transaction mode, which cannot keep a statement on one server connection."""
    wanted = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").strip().lower()
    if "postgresql" in database.get("ENGINE", "") and wanted not in ("0", "false", "no", "off"):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)
    return database


use_prepared_statements(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Editors' passwords: at least 12 characters (Django's own messages, in the user's language).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "portal.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttle (django-axes): an account, or an address, is locked after LOGIN_FAILURE_LIMIT
# failed sign-ins, for LOGIN_LOCKOUT_MINUTES (0: until a city administrator lifts it under
# Settings → Login lockouts). Counted in the database, so the limit holds across workers and
# an administrator can list and lift locks; the address is portal.clients.client_address, the
# rule the rating limit uses. Successful sign-ins are not recorded (no log of addresses).
# AxesBackend is ModelBackend too: force_login() and sessions name the first backend, which must
# be able to load the user. It refuses a locked-out sign-in; ModelBackend then checks passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
_lockout_minutes = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_COOLOFF_TIME = _lockout_minutes / 60 if _lockout_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.clients.client_address"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A lock lasts the time the message promises; attempts during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # Django's admin is not installed; Wagtail's screen is portal.lockouts
WAGTAILADMIN_USER_LOGIN_FORM = "portal.accounts.LoginForm"


def mail_is_configured(email_backend: str) -> bool:
    """True when ``email_backend`` delivers mail: not one that prints, keeps or drops it."""
    return email_backend not in {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }


# Mail (password reset): SMTP when EMAIL_HOST is set, else printed to the console (no mail).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Wagtail's "Forgotten password?" only when a reset e-mail can arrive (PASSWORD_RESET=1 or 0
# decides explicitly); otherwise the login page says whom to ask.
_password_reset = os.environ.get("PASSWORD_RESET", "").strip()
WAGTAIL_PASSWORD_RESET_ENABLED = (
    _password_reset == "1" if _password_reset in ("0", "1") else mail_is_configured(EMAIL_BACKEND)
)

# Chinese first: zh-hans is the default, English the second language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Import files wait between the preview and the confirmation outside MEDIA_ROOT, which the web
# server publishes: a folder every app server shares (docs/operations.md), never served.
IMPORT_STAGING_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        # An empty value must not fall back to MEDIA_ROOT (FileSystemStorage does that).
        "location": os.environ.get("PORTAL_IMPORT_STAGING_DIR") or str(BASE_DIR / "import-staging"),
        "base_url": None,
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "portal_imports": IMPORT_STAGING_STORAGE,
}


# Rate limits and page caches must hold across worker processes, so the cache is shared:
# the database cache by default (demo), Redis when REDIS_URL is set (production).
# Redis gone must not take the site down: django-redis answers a failed call as a miss (logged),
# within half a second, so pages are served uncached and the rating form's rate limit lets
# ratings through (the one-a-day rule is the database's) until Redis is back.
def redis_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if os.environ.get("REDIS_URL"):
    CACHES = redis_caches(os.environ["REDIS_URL"])
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600"))
# An indicator's chart (its SVG, plotly figure and table) is kept in the shared cache this long
# under a digest of what it is drawn from; 0 draws it on every request (portal.charts).
CHART_CACHE_SECONDS = int(os.environ.get("CHART_CACHE_SECONDS", "86400"))
# The background build after a data change draws the charts whose data changed (portal.charts
# draw_missing_charts); off, each chart is drawn by the first page that shows it.
CHART_DRAW_AHEAD = os.environ.get("CHART_DRAW_AHEAD", "1").strip().lower() not in ("0", "false")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The open-data files (/data/) are built by a task queued when the data changed; it waits this
# many seconds first, so the recompute that follows an import is in the same build (a backend
# that cannot defer a task, like the immediate one of the demo and the tests, runs it at once).
OPEN_DATA_BUILD_DELAY = int(os.environ.get("OPEN_DATA_BUILD_DELAY", "30"))
# With no worker (the demo): a build that a request asked for runs in a thread once the response
# is sent, not inside the request (opendata.tasks). Off here: the worker builds.
OPEN_DATA_BUILD_AFTER_RESPONSE = False
# False: a data change queues no build (the test settings: every other test's commits would
# build every dataset at once; the open-data tests turn it on). `build_open_data` still builds.
OPEN_DATA_BUILD_ON_CHANGE = True

# Residents' ratings (surveys/): the captcha, the rate limit and the client identity.
# The captcha's audio alternative (适老化) is spoken by flite (Debian's package) when installed.
CAPTCHA_FLITE_PATH = shutil.which("flite")
CAPTCHA_CHALLENGE_FUNCT = "surveys.captcha.digits_challenge"
CAPTCHA_IMAGE_SIZE = (100, 50)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_TIMEOUT = 20  # minutes: elderly visitors take their time
# Any answer "passed" is accepted: only for the benchmark and browser tests, never production.
CAPTCHA_TEST_MODE = os.environ.get("SURVEYS_CAPTCHA_TEST_MODE", "0") == "1"
CSRF_FAILURE_VIEW = "surveys.views.rating.csrf_failure"
# Ratings per client (address and browser) and window in seconds, counted in the shared cache.
SURVEYS_RATE_LIMIT = rate("SURVEYS_RATE_LIMIT", "10/600")
# The key of the clients' keyed hash; rotate it to unlink old keys (SECRET_KEY when unset).
SURVEYS_CLIENT_KEY_SECRET = os.environ.get("SURVEYS_CLIENT_KEY_SECRET", "")
# Working days a department has to answer a poor rating (差评整改时限).
SURVEYS_CASE_WORKING_DAYS = int(os.environ.get("SURVEYS_CASE_WORKING_DAYS", "5"))
# Points per level for the 100-point satisfaction score that feeds the indicators.
SURVEYS_SCORE_POINTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
# Behind a reverse proxy: the request header holding the visitor's address (e.g.
# HTTP_X_REAL_IP); empty uses REMOTE_ADDR. Only a header the proxy always overwrites.
PORTAL_CLIENT_IP_HEADER = os.environ.get("PORTAL_CLIENT_IP_HEADER", "")

# The admin's name (Wagtail's login and dashboard). The public site's name is the "Site identity"
# setting (portal.models.SiteIdentity) that administrators change in the admin.
WAGTAIL_SITE_NAME = "政府绩效公开平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Site search (search/). SEARCH_URL set: the engine backend on Elasticsearch 8/9 or OpenSearch 2.x
# (SEARCH_ENGINE says which); unset: the embedded SQLite FTS5 backend in SEARCH_EMBEDDED_PATH.
SEARCH_URL = os.environ.get("SEARCH_URL", "")
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "opensearch")  # opensearch | elasticsearch
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "portal")
# Seconds a visitor's search waits for the engine before the page shows a notice.
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "2"))
SEARCH_EMBEDDED_PATH = Path(os.environ.get("SEARCH_EMBEDDED_PATH", BASE_DIR / "search.sqlite3"))
if SEARCH_URL:
    # Wagtail's own admin search moves to the same engine, in indices of its own. "opensearch3"
    # is the backend written for opensearch-py 3's keyword-only API; it serves OpenSearch 2.x too.
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": {
                "opensearch": "wagtail.search.backends.opensearch3",
                "elasticsearch": "wagtail.search.backends.elasticsearch9",
            }.get(SEARCH_ENGINE, "wagtail.search.backends.opensearch3"),
            "URLS": [SEARCH_URL],
            "INDEX_PREFIX": f"{SEARCH_INDEX_PREFIX}_wagtail_",
            "TIMEOUT": 10,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx", "json", "docx", "txt"]

# Imports: files larger than this are refused before parsing (the 50 MB case).
PORTAL_IMPORT_MAX_BYTES = int(os.environ.get("PORTAL_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# What an XLSX may unpack to (a zip bomb is refused before parsing) and the rows a file may hold.
PORTAL_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("PORTAL_IMPORT_MAX_UNPACKED_BYTES", str(PORTAL_IMPORT_MAX_BYTES))
)
PORTAL_IMPORT_MAX_ROWS = int(os.environ.get("PORTAL_IMPORT_MAX_ROWS", "100000"))
# The push API (portal/push_views.py): the largest batch body, and batches per token per window
# (COUNT/SECONDS, counted in the shared cache).
PORTAL_PUSH_MAX_BYTES = int(os.environ.get("PORTAL_PUSH_MAX_BYTES", str(5 * 1024 * 1024)))
PORTAL_PUSH_RATE_LIMIT = rate("PORTAL_PUSH_RATE_LIMIT", "120/60")
# The pull job (manage.py pull_department_data): seconds to wait for a source, largest file.
PORTAL_PULL_TIMEOUT = float(os.environ.get("PORTAL_PULL_TIMEOUT", "30"))
PORTAL_PULL_MAX_BYTES = int(os.environ.get("PORTAL_PULL_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links to other sites carry no address of ours (a search's words stay private).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): public pages run only our own scripts — no inline
# script, nothing from another host (government intranets are often offline anyway). Styles
# may be inline: plotly.js draws its charts with style attributes. Wagtail's admin still has
# inline scripts (its date pickers and inline panels), so admin pages get 'unsafe-inline' for
# scripts (portal.security.ContentSecurityPolicyMiddleware); all else stays as strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],  # the captcha's spoken alternative
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page of ours uses (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# The admin asks no other host: no avatars from gravatar.com, no check for new Wagtail releases
# (its dashboard would fetch releases.wagtail.org; the policy blocks it, intranets cannot reach it).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# The public read API (api/, /api/v1/): JSON only, anonymous, read-only, a rate limit per
# client (address as portal.clients decides) counted in the shared cache. API_RATE_LIMIT is
# requests per window, "COUNT/SECONDS" like SURVEYS_RATE_LIMIT (empty: no limit).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/60").strip()
if API_RATE_LIMIT:
    rate("API_RATE_LIMIT", "120/60")  # a bad value stops the start, not every request
# The API's views (api.views.base.PublicAPIView) set their own authentication (none),
# throttle, pagination and error format, so another API of the site may choose its own.
REST_FRAMEWORK = {
    # orjson writes the JSON; a decimal is a JSON number, as every figure field declares.
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The description is api.views.schema.DESCRIPTION (the schema view passes it).
SPECTACULAR_SETTINGS = {
    "TITLE": "Government performance portal: public read API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Only /api/v1/ (Wagtail's admin API is no public interface).
    "PREPROCESSING_HOOKS": ["api.views.schema.public_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.views.schema.error_responses",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# CORS: any origin may GET the API (open data); nothing else on the site is cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

_ = _  # keep gettext_lazy importable for settings that need translated labels
