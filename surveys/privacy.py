"""Personal data kept out of what residents send (DESIGN.md: personal data is minimised).

A response stores no raw IP address: the client is known only by a keyed hash that changes
when the secret is rotated. Phone numbers and identity-card numbers typed into free text are
masked before anything is saved, so neither the database nor an export ever holds them.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# Mainland mobile numbers: 11 digits starting 1[3-9], optionally written +86 / 0086 / 86 first
# and grouped with spaces or hyphens (138 1234 5678, 138-1234-5678).
_MOBILE = re.compile(
    r"(?<![\d])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![\d])",
)
# Landlines with an area code: 010-12345678, 0571 8765 4321, (0755)12345678.
_LANDLINE = re.compile(r"(?<![\d])\(?0\d{2,3}\)?[\s-]?\d{7,8}(?![\d])")
# Resident identity numbers (GB 11643): 17 digits and a digit or X check character, and the
# old 15-digit form.
_ID_CARD = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# E-mail addresses identify a person as surely as a phone number.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

MASK = "＊"


def _keep_ends(match: re.Match, head: int, tail: int, length: int = 0) -> str:
    digits = re.sub(r"[^\dXx]", "", match.group(0))
    digits = digits[-length:] if length else digits  # a mobile's +86 prefix goes too
    return digits[:head] + MASK * (len(digits) - head - tail) + digits[len(digits) - tail :]


def mask_personal_data(text: str) -> str:
    """``text`` with phone, ID-card numbers and e-mail addresses masked.

    An ID number keeps its first 3 and last 2 characters, a mobile number its first 3 and last
    4 digits (the way government sites print them: 138＊＊＊＊5678), so a reader still sees
    that something was there without learning it.
    """
    if not text:
        return text
    text = _ID_CARD.sub(lambda m: _keep_ends(m, 3, 2), text)
    text = _MOBILE.sub(lambda m: _keep_ends(m, 3, 4, length=11), text)
    text = _LANDLINE.sub(lambda m: _keep_ends(m, 3, 2), text)
    return _EMAIL.sub(lambda m: MASK * 3 + "@" + m.group(0).rsplit("@", 1)[1], text)


def client_key(address: str, user_agent: str, secret: str) -> str:
    """The keyed hash that stands for a client: the same visitor gives the same key, and the
    address cannot be read back without the secret (rotate the secret to unlink old keys)."""
    message = f"{address}\n{user_agent}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]
