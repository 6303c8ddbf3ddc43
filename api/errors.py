"""The API's error answers: JSON with a machine-readable ``error`` and a message in the
visitor's language; a bad query parameter names it (``parameter``), a rate limit says when to
come back (``retry_after`` and the Retry-After header)."""

from __future__ import annotations

import math

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class InvalidParameter(exceptions.APIException):
    """A query parameter the API cannot use: 400 naming it (never a 500)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(detail=message, code=self.default_code)


def exception_handler(exc, context):
    """DRF's handler, then one body shape for every error: ``error``, ``detail`` (and
    ``parameter`` or ``retry_after`` where they apply)."""
    if isinstance(exc, InvalidParameter):
        return Response(
            {"error": "invalid_parameter", "parameter": exc.parameter, "detail": str(exc.detail)},
            status=exc.status_code,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        return Response(
            {
                "error": "rate_limited",
                "detail": _(
                    "Too many requests from your address: try again in %(seconds)d seconds."
                )
                % {"seconds": wait},
                "retry_after": wait,
            },
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(wait)},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404 | exceptions.NotFound):
        response.data = {"error": "not_found", "detail": _("No such public record.")}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else response.data
        response.data = {
            "error": exc.get_codes() if isinstance(exc.detail, str) else "error",
            "detail": detail,
        }
    return response
