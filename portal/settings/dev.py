"""Local development and the zero-setup demo: SQLite, database cache, DEBUG on."""

import os

from .base import *  # noqa: F401,F403

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
# The demo runs no worker: background tasks (search indexing, score recomputes, Wagtail's own)
# run at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# So an editor's save does not wait for the open-data build (seconds): it runs in a thread once
# the save's response is sent. The demo loader and `manage.py` commands build at once.
OPEN_DATA_BUILD_AFTER_RESPONSE = True
# The demo's database cache holds 300 entries: drawing every chart ahead would push out the rest.
CHART_DRAW_AHEAD = False
