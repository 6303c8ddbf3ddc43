"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

# An empty DJANGO_SETTINGS_MODULE counts as unset (setdefault would keep it).
os.environ["DJANGO_SETTINGS_MODULE"] = (
    os.environ.get("DJANGO_SETTINGS_MODULE") or "portal.settings.production"
)

application = get_wsgi_application()
