"""API tokens of departments' systems: made once, stored as a keyed hash, checked per request.

A token is ``pp_`` and 40 random URL-safe characters (240 bits from ``secrets``). Only its
HMAC-SHA256 under the site's ``SECRET_KEY`` is stored. A slow password hash (PBKDF2, argon2)
protects *guessable* secrets from an offline attack on a stolen table; a 240-bit random token
cannot be guessed whatever the hash's speed, so a fast hash loses nothing and lets a request be
checked with one indexed lookup (no per-request key stretching, no scan over every token). The
key means a copy of the table alone does not even allow testing a candidate token. Tokens made
before a ``SECRET_KEY`` rotation keep working while the old key is in ``SECRET_KEY_FALLBACKS``.

Nothing about a valid token is cached: each request reads the token's row, so a revocation
takes effect on the very next request, on every app server.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal.models import ApiToken

TOKEN_PREFIX = "pp_"
PREFIX_LENGTH = 10  # "pp_" and 7 random characters: shown in the admin to tell tokens apart
_SALT = "portal.tokens.ApiToken"
# A token is ``pp_`` + 40 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


def token_hash(token: str, secret: str | None = None) -> str:
    """The stored form of ``token`` (hex HMAC-SHA256 under ``secret``, default SECRET_KEY)."""
    return salted_hmac(_SALT, token, secret=secret, algorithm="sha256").hexdigest()


def issue_token(name: str, department, *, user=None) -> tuple[ApiToken, str]:
    """Create a token for ``department``'s system; returns the row and the token itself, which
    is shown once and never stored."""
    api_token = ApiToken(
        name=name,
        department=department,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    token = set_secret(api_token)
    api_token.save()
    return api_token, token


def set_secret(api_token: ApiToken) -> str:
    """Give an unsaved ``api_token`` a fresh secret (its prefix and hash); returns the token."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(30)
    api_token.prefix = token[:PREFIX_LENGTH]
    api_token.secret_hash = token_hash(token)
    return token


def authenticate(token: str) -> ApiToken | None:
    """The active token matching ``token`` (its last use recorded), or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    hashes = [token_hash(token, secret) for secret in secrets_in_use]
    api_token = (
        ApiToken.objects.filter(secret_hash__in=hashes, revoked_at__isnull=True)
        .select_related("department")
        .first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    api_token.last_used_at = now
    return api_token


def revoke(api_token: ApiToken) -> None:
    """Revoke at once: the next request with this token is refused."""
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=api_token.pk).update(revoked_at=api_token.revoked_at)
