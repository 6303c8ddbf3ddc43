"""The Content-Security-Policy: strict on public pages, what Wagtail needs in its admin.

Public pages load scripts only from our static files (``CONTENT_SECURITY_POLICY``). Wagtail 8's
admin still writes inline scripts (its date and time pickers, inline panels, multiple choosers
call a function from a ``<script>`` block), so under the admin's address the policy adds
'unsafe-inline' for scripts and lets the admin frame its own pages (the page preview); every
other directive stays as strict as on the public site.
"""

from __future__ import annotations

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import reverse

ADMIN_RELAXATIONS = {
    "script-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
    "img-src": [SELF, "data:", "blob:"],  # image previews before an upload
}


@functools.cache
def admin_prefix() -> str:
    """The admin's address (``/admin/``), wherever portal.urls mounts it."""
    return reverse("wagtailadmin_home")


# The two headers (public, admin) as django-csp builds them, built once per process: the
# library builds both policies on every response (copying the settings' dictionaries), which
# measured 0.36 ms per request — more than WhiteNoise takes to serve a static file.
_HEADERS: dict[bool, dict[str, str]] = {}


@receiver(setting_changed)
def _forget_headers(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _HEADERS.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxations under the admin's address."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(admin_prefix()):
            parts.replace = {**ADMIN_RELAXATIONS, **(parts.replace or {})}
        return parts

    def process_response(self, request, response):
        # A view's own policy (django-csp's decorators) or a nonce: the library's way, built
        # for this response. Otherwise the policy is one of two fixed texts.
        own = any(
            getattr(response, name, None)
            for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        )
        if own or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        admin = request.path_info.startswith(admin_prefix())
        headers = _HEADERS.get(admin)
        if headers is None:
            built = super().process_response(request, HttpResponse())
            headers = _HEADERS[admin] = {
                name: built[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in built
            }
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        return response
