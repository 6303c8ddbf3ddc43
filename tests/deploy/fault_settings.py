"""The production settings as they are, except static files read from the app folders (no
``collectstatic`` in a test): the fault checks run the code production runs."""

from portal.settings.production import *  # noqa: F401,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
