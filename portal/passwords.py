"""Password rules for editors' accounts (``AUTH_PASSWORD_VALIDATORS``)."""

from __future__ import annotations

from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule, with its message in the user's language. Django 5.2.x asks for
    "…at least %d characters." while its own catalogs still translate "…at least
    %(min_length)d characters.", so a Chinese editor read the refusal in English; this asks
    for the form the catalogs hold."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
