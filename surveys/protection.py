"""Who is sending, how often: the client's keyed identity and the rate limit on ratings.

The client is the keyed hash (surveys.privacy.client_key) of its address, browser and a random
device cookie the form sets: people rating from the same hall's Wi-Fi (one public address,
often the same phone model) stay apart, while a script that drops cookies is still one client
per address and browser. The rate limit counts in the shared cache (Redis in production), so
it holds across every worker process.
"""

from __future__ import annotations

import secrets

from django.conf import settings

from portal.clients import client_address, count_in_window
from surveys.privacy import client_key

DEVICE_COOKIE = "rating_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie


def device_id(request) -> str:
    """The device cookie's value, or a new one (the view sets it on the response)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(value) == 32 and value.isalnum():
        return value
    return getattr(request, "_rating_device", None) or _new_device(request)


def _new_device(request) -> str:
    request._rating_device = secrets.token_hex(16)
    return request._rating_device


def remember_device(request, response) -> None:
    """Set the device cookie when the request did not carry one."""
    device_id(request)
    new = getattr(request, "_rating_device", None)
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            new,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def _secret() -> str:
    return getattr(settings, "SURVEYS_CLIENT_KEY_SECRET", "") or settings.SECRET_KEY


def request_client_key(request) -> str:
    """The client's identity for the one-rating-a-day rule."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return client_key(f"{client_address(request)}|{device_id(request)}", agent, _secret())


def address_key(request) -> str:
    """The address-and-browser identity the rate limit counts (cookies do not reset it)."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return client_key(client_address(request), agent, _secret())


def rate_limited(request) -> bool:
    """Count this submission; True when the client is over ``SURVEYS_RATE_LIMIT``
    ((submissions, seconds), default 10 in 10 minutes)."""
    limit, window = getattr(settings, "SURVEYS_RATE_LIMIT", (10, 600))
    count = count_in_window(f"surveys:rate:{address_key(request)}", window)
    if count is None:
        # The shared cache is out of reach (Redis down; django-redis logged it): ratings are
        # let through rather than refused, and the once-a-day rule still holds.
        return False
    return count > limit
