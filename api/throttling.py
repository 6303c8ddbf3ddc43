"""The API's rate limit: requests per client and window, counted in the shared cache.

The same counter as the site's other limits (``portal.clients.count_in_window``: the rating
form, the push API): one number per client address and window in Django's default cache (Redis
or the database, shared by every worker), added to with one increment. DRF's own
``SimpleRateThrottle`` keeps a list of every request time in the window and reads and writes
the whole list on each request, a cost that grows with the limit (a generous limit for a
newsroom's client, or the benchmark's): docs/decisions/0008-api-rate-limit-counter.md.

The client is the visitor's address as every other limit of the site reads it (portal.clients);
the rate is the ``API_RATE_LIMIT`` setting (``COUNT/SECONDS``; empty: no limit), read on each
request so a setting changed in a test or a deployment applies at once. Windows are aligned to
the clock, so ``Retry-After`` says exactly when the next one opens.
"""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from portal.clients import client_address, count_in_window


def parse_rate(rate) -> tuple[int | None, int | None]:
    """``"120/60"`` → (120, 60); empty → (None, None), no limit."""
    if not rate:
        return None, None
    count, seconds = (int(part) for part in str(rate).split("/", 1))
    return count, seconds


class ClientRateThrottle(BaseThrottle):
    """``API_RATE_LIMIT`` requests per window from one client address."""

    def allow_request(self, request, view) -> bool:
        count, seconds = parse_rate(settings.API_RATE_LIMIT)
        if count is None:
            return True
        now = time.time()
        window = int(now // seconds)
        self._wait = seconds - (now % seconds)
        used = count_in_window(f"api:throttle:{client_address(request)}:{window}", seconds)
        # None: the shared cache is out of reach; the request goes through rather than fail.
        return used is None or used <= count

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
