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
