"""Signing in and out of the editors' admin: the login throttle's message, a logout that only a
POST performs.

Failed sign-ins are counted by django-axes (settings: ``AXES_*``) per account and per address
(``portal.clients.client_address``, the rule the rating limit uses). When either is locked out,
Wagtail's own login page says so in the visitor's language (``LoginForm``) and answers 429
(``lockout_response``); a city administrator lifts a lock under Settings → Login lockouts
(``portal.lockouts``).
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

LOCKOUT_STATUS = 429


def lockout_message(request=None) -> str:
    """What a locked-out visitor reads: how long the lock lasts and who can lift it."""
    cool_off = get_cool_off(request)
    if cool_off:
        minutes = max(1, round(cool_off.total_seconds() / 60))
        return ngettext(
            "Too many failed sign-in attempts for this account or from this address. "
            "Try again in %(minutes)d minute, or ask a city administrator to lift the lock.",
            "Too many failed sign-in attempts for this account or from this address. "
            "Try again in %(minutes)d minutes, or ask a city administrator to lift the lock.",
            minutes,
        ) % {"minutes": minutes}
    return gettext(
        "Too many failed sign-in attempts for this account or from this address. "
        "Ask a city administrator to lift the lock."
    )


class LoginForm(WagtailLoginForm):
    """Wagtail's login form (``WAGTAILADMIN_USER_LOGIN_FORM``), saying "locked out" instead of
    "wrong password" when django-axes refused the attempt."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return forms.ValidationError(lockout_message(self.request), code="locked_out")
        return super().get_invalid_login_error()


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page the form rendered (with the lockout message),
    marked 429 Too Many Requests; elsewhere (another login form) the message alone."""
    if isinstance(original_response, TemplateResponse):
        original_response.status_code = LOCKOUT_STATUS
        return original_response
    return HttpResponse(
        lockout_message(request), status=LOCKOUT_STATUS, content_type="text/plain; charset=utf-8"
    )


class LogoutView(WagtailLogoutView):
    """Wagtail's logout, for POST only. Django refuses a GET (405), but Wagtail's view deleted
    the session cookie on that refusal as well: any page could sign an editor out with an
    ``<img src="/admin/logout/">``. Any other method now gets Django's answer alone."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            # Django's LogoutView: 405 for GET, the allowed methods for OPTIONS.
            return super(WagtailLogoutView, self).dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
