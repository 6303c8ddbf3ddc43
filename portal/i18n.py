"""The language-dependent fields: Chinese first, English where an editor has written it.

Content is written in Chinese (``title``, ``name``); an optional English version sits beside it
(``title_en``, ``name_en``). The English site shows the English version where there is one and
the Chinese original otherwise, so nothing is ever blank.
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_english() -> bool:
    """True when the visitor reads the English site (the active language is en or a variant)."""
    return (get_language() or "").startswith("en")


def localized(text, text_en, *, english: bool | None = None):
    """``text_en`` on the English site when it is filled in, else ``text``.

    Pass ``english`` (from ``is_english()``) when choosing for many rows at once.
    """
    if english is None:
        english = is_english()
    return text_en if english and text_en else text


def localized_field(obj, field: str):
    """``obj.<field>_en`` on the English site when it is filled in, else ``obj.<field>``, e.g.
    ``localized_field(survey, "title")``."""
    if is_english():
        text_en = getattr(obj, f"{field}_en")
        if text_en:
            return text_en
    return getattr(obj, field)
