"""The API's entry point and its OpenAPI document's texts."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.pagination import PAGINATION
from api.views.base import PublicAPIView

ENDPOINTS = (
    "department-list",
    "cycle-list",
    "goal-list",
    "goal-tree",
    "indicator-list",
    "measurement-list",
    "evaluation-list",
    "report-list",
    "survey-result-list",
    "case-list",
    "schema",
    "docs",
)

DESCRIPTION = f"""Everything the public site shows, as JSON: departments, evaluation cycles,
goals (flat and as a tree), indicators, monthly figures, evaluations with their explainable
breakdown, published reports, public survey results and public rectification cases. Only
published, public data: an unpublished year's goals, indicators and figures never appear.

**Figures.** Every figure carries its `period` (the month, `YYYY-MM`), `unit`, `source` and
`as_of` (when it was last recorded or computed). Data is open under CC BY 4.0: name the source.

**Language.** Names and labels follow `Accept-Language` (`zh-hans`, the default, or `en`), as
the site does; JSON keys and codes (`dimension`, `status`, `kind`) are English.

**Pagination.** {PAGINATION}

**Caching.** Every answer has an `ETag` and a `Last-Modified`; send them back
(`If-None-Match`, `If-Modified-Since`) and an unchanged answer is a `304` with no body.

**Limits.** Requests per client address are limited (by default 120 a minute); past the limit
the answer is `429` with `Retry-After` (seconds) and `retry_after` in the body. CORS allows
`GET` from any origin.

**Errors.** JSON with `error` and `detail`; a bad query parameter is a `400` with
`"error": "invalid_parameter"` and the `parameter` named; an unknown parameter is refused."""


def public_endpoints(endpoints):
    """drf-spectacular's preprocessing hook: the document describes /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ERROR = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "example": "invalid_parameter"},
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The parameter refused (400)."},
        "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
    },
}
ERROR_RESPONSES = {
    "304": {"description": "Not modified: the copy named by If-None-Match is current."},
    "400": {"description": "A bad or unknown query parameter, named in `parameter`."},
    "404": {"description": "No such public record."},
    "429": {"description": "Rate limit reached; see Retry-After."},
}


def error_responses(result, generator, request, public):
    """drf-spectacular's postprocessing hook: every operation documents the API's errors."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, response in ERROR_RESPONSES.items():
                entry = dict(response)
                if status != "304":
                    entry["content"] = reference
                responses.setdefault(status, entry)
    return result


@extend_schema(exclude=True)
class RootView(PublicAPIView):
    """The endpoints of version 1, by name."""

    pagination_class = None

    def get(self, request):
        return Response(
            {
                name.replace("-list", "").replace("-", "_"): request.build_absolute_uri(
                    reverse(f"api:{name}")
                )
                for name in ENDPOINTS
            }
        )
