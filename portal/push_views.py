"""``POST /api/v1/push/measurements``: departments' systems send measurements with a token.

A plain Django view, exempt from CSRF because it authenticates by ``Authorization: Bearer``
alone (no cookie is read, so no other site can make a browser send it). Every refusal is a JSON
object ``{"error": code, "message": text in the request's language[, "errors": [...]]}`` and
writes nothing. The order of the checks: token (401), rate (429), size (413, from
Content-Length and again while reading, before any parsing), format (415), then the batch
itself through portal.push (400, 403, 422 or 200).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from portal import push, tokens
from portal.clients import count_in_window

READ_CHUNK = 64 * 1024


def _answer(status: int, body: dict, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refuse(status: int, code: str, message: str, **headers) -> JsonResponse:
    return _answer(status, {"error": code, "message": message}, **headers)


def _bearer(request) -> str:
    scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _too_large(limit: int) -> JsonResponse:
    return _refuse(
        413,
        "too_large",
        _("The body is larger than %(limit)s bytes: send the measurements in smaller batches.")
        % {"limit": f"{limit:,}"},
    )


def _read_body(request, limit: int) -> bytes | None:
    """The body, read in chunks and given up one byte past ``limit`` (None: too large)."""
    chunks, size = [], 0
    while chunk := request.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@csrf_exempt
@never_cache
def push_measurements(request):
    """Import a batch of measurements for the token's department (see the module docstring)."""
    if request.method != "POST":
        return _refuse(405, "method_not_allowed", _("Send measurements with POST."), Allow="POST")
    token = tokens.authenticate(_bearer(request))
    if token is None:
        return _refuse(
            401,
            "invalid_token",
            _(
                "Missing, unknown or revoked API token. Send the token a city administrator "
                "gave you as “Authorization: Bearer <token>”."
            ),
            WWW_Authenticate='Bearer realm="push"',
        )
    count_limit, window = settings.PORTAL_PUSH_RATE_LIMIT
    count = count_in_window(f"portal:push:rate:{token.pk}", window)
    if count is not None and count > count_limit:
        return _refuse(
            429,
            "rate_limited",
            _("Too many batches: at most %(count)s every %(seconds)s seconds. Wait and retry.")
            % {"count": count_limit, "seconds": window},
            Retry_After=str(window),
        )
    limit = settings.PORTAL_PUSH_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _too_large(limit)
    kind = push.body_format(request.META.get("CONTENT_TYPE", ""))
    if kind is None:
        return _refuse(
            415,
            "unsupported_media_type",
            _("Send JSON (Content-Type: application/json) or CSV (Content-Type: text/csv)."),
        )
    data = _read_body(request, limit)
    if data is None:
        return _too_large(limit)
    if not data.strip():
        return _refuse(400, "empty_body", _("The body is empty: send the measurements."))
    answer = push.push_measurements(
        token, data, kind, idempotency_key=request.META.get("HTTP_IDEMPOTENCY_KEY", "")
    )
    headers = {"Idempotent_Replayed": "true"} if answer.replayed else {}
    return _answer(answer.status, answer.body, **headers)
