"""Production: everything secret or site-specific comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"]
_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured("Missing required environment variables: " + ", ".join(_missing))

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "portal_imports": IMPORT_STAGING_STORAGE,  # noqa: F405
}
# Behind a TLS-terminating reverse proxy unless told otherwise (the benchmark runs on loopback
# with DJANGO_SECURE_COOKIES=0: plain HTTP, no redirect, no HSTS).
_secure = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A request that reached us over plain HTTP is sent to HTTPS (the proxy sets X-Forwarded-Proto),
# and browsers are told to use only HTTPS from then on (HSTS: a year by default, subdomains of
# the site's own host name included, and the preload flag, which only takes effect if someone
# submits the domain to the browsers' preload list; DJANGO_HSTS_PRELOAD=0 leaves it out).
SECURE_SSL_REDIRECT = _secure
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "1") == "1"
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
