"""The test suite: PostgreSQL (DATABASE_URL, set by `make test`), an in-process cache."""

import os
import tempfile

import dj_database_url

from .base import *  # noqa: F401,F403

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": use_prepared_statements(  # noqa: F405 — as in production
        dj_database_url.parse(
            os.environ.get("DATABASE_URL", "postgres://portal:portal@127.0.0.1:54329/portal")
        )
    )
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test changes data and reads the page again inside one transaction, where the data version
# never moves (it is bumped on commit): charts are drawn per request unless a test turns their
# cache on (tests/portal/test_charts.py).
CHART_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# With the immediate backend every commit of a transactional test would build every open-data
# file at once (15 of the 21 s of the browser tests' city); tests/opendata turns it on.
OPEN_DATA_BUILD_ON_CHANGE = False
# Several people (and helper sessions) may run the suite at once on one server.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_portal")}
# The suite picks its search backends itself (tests/search): a developer's SEARCH_URL must not
# move the site or Wagtail's admin search onto an engine.
SEARCH_URL = ""
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Saves in transactional tests (live server, demo loader) index into the embedded backend: keep
# its file out of the working tree, one per test database.
SEARCH_EMBEDDED_PATH = os.path.join(
    tempfile.gettempdir(), f"portal-search-{DATABASES['default']['TEST']['NAME']}.sqlite3"
)
# Files the tests write (the open-data build after a commit, uploads) stay out of the working
# tree's media/, one folder per test database.
MEDIA_ROOT = os.path.join(
    tempfile.gettempdir(), f"portal-media-{DATABASES['default']['TEST']['NAME']}"
)
