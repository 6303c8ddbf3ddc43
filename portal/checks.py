"""System checks over stored data: codes written before the code rule existed.

Run by ``manage.py check --database default`` (and by ``migrate``'s checks when asked): a code
stored before migration 0005 added the rule is reported with the pages it breaks, so the city
can rename it (renaming changes its public address, which only a person should decide).
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import DatabaseError

from portal.models.codes import CODE_PATTERN


def bad_codes() -> dict[str, list[str]]:
    """Stored goal and indicator codes that break the code rule, by model label."""
    from portal.models import Goal, Indicator

    rule = RegexValidator(CODE_PATTERN)
    found = {}
    for model in (Goal, Indicator):
        codes = []
        for code in model.objects.order_by("code").values_list("code", flat=True).iterator():
            try:
                rule(code)
            except ValidationError:
                codes.append(code)
        if codes:
            found[model._meta.label] = codes
    return found


def check_stored_codes(app_configs=None, databases=None, **kwargs):
    """portal.W001: a stored goal or indicator code with characters other than letters,
    digits and hyphens (pages that link to it fail; its download name is unsafe)."""
    if not databases:
        return []
    try:
        found = bad_codes()
    except DatabaseError:  # before migrate: nothing stored yet
        return []
    return [
        checks.Warning(
            f"{len(codes)} {label} code(s) use characters other than letters, digits and "
            f"hyphens: {', '.join(repr(c) for c in codes[:10])}",
            hint="Rename them in the admin; pages that link to them fail until then.",
            id="portal.W001",
        )
        for label, codes in found.items()
    ]
