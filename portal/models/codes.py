"""The rule for codes that appear in page addresses and download file names."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Letters, digits and hyphens only: a "/" in a code breaks every page that links to it, and
# a quote breaks out of a download's Content-Disposition header (issue 13).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*\Z"

code_validator = RegexValidator(
    CODE_PATTERN,
    _(
        "Use only Latin letters, digits and hyphens (-), starting with a letter or digit, "
        "e.g. 2026-03-02-01."
    ),
    code="invalid_code",
)
