"""The Content-Security-Policy: strict on public pages, what Wagtail needs in its admin.

Public pages load scripts only from our static files (``CONTENT_SECURITY_POLICY``). Wagtail 8's
admin still writes inline scripts (its date and time pickers, inline panels, multiple choosers
call a function from a ``<script>`` block), so under the admin's address the policy adds
'unsafe-inline' for scripts and lets the admin frame its own pages (the page preview); every
other directive stays as strict as on the public site.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse

ADMIN_RELAXATIONS = {
    "script-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
    "img-src": [SELF, "data:", "blob:"],  # image previews before an upload
}


def admin_prefix() -> str:
    """The admin's address (``/admin/``), wherever portal.urls mounts it."""
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxations under the admin's address."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(admin_prefix()):
            parts.replace = {**ADMIN_RELAXATIONS, **(parts.replace or {})}
        return parts
