"""Who is asking: the visitor's address, one rule for every limit (ratings, logins).

Behind a reverse proxy REMOTE_ADDR is the proxy's own address, so the address is read from the
header the proxy sets (``PORTAL_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``). The survey rate
limit (surveys.protection) and the login throttle (django-axes, ``AXES_CLIENT_IP_CALLABLE``)
both ask this function, so a visitor is the same visitor to both.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the header a trusted reverse proxy sets
    (``PORTAL_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``), never a header anyone can send."""
    header = getattr(settings, "PORTAL_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def count_in_window(key: str, window: int) -> int | None:
    """Count one more request under ``key`` in the shared cache (so every worker counts
    together), in a window of ``window`` seconds from the first; the count so far, or None while
    the cache is out of reach (the caller lets the request through rather than refuse it)."""
    from django.core.cache import cache

    # One round trip for every request but a window's first.
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet (the window's first request) or it has just expired
        if cache.add(key, 1, timeout=window):
            return 1
    try:
        return cache.incr(key)  # another worker opened the window meanwhile
    except ValueError:  # and it expired at once
        cache.set(key, 1, timeout=window)
        return 1
