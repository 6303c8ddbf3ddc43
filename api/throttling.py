"""The API's rate limit: requests per client and window, counted in the shared cache.

DRF's own throttle (its history of request times in Django's default cache, which is Redis or
the database, shared by every worker); only the client and the rate are the site's: the client
is the visitor's address as every other limit of the site reads it (portal.clients), and the
rate is the ``API_RATE_LIMIT`` setting (``COUNT/SECONDS``), read on each request so a setting
changed in a test or a deployment applies at once.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.clients import client_address


class ClientRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per window from one client address."""

    scope = "api"
    cache_format = "api:throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def parse_rate(self, rate):
        if not rate:
            return (None, None)
        count, seconds = (int(part) for part in str(rate).split("/", 1))
        return count, seconds

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
