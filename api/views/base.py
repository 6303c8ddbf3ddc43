"""What every endpoint of the API shares: anonymous read-only JSON, the rate limit, strict
parameters, cursor pagination, and conditional GET that costs no database query.

Conditional GET: the ETag is the portal's data version (portal.cache: every change to any
public data bumps it, in every worker at once) with the request's path, query and language;
Last-Modified is when the API first answered under that version (kept in the shared cache, so
every worker says the same), i.e. the time of the last change it has seen — the rows' own
timestamps are in the body (``as_of``). A request whose If-None-Match or If-Modified-Since
still holds gets 304 after two cache reads, before any query.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from api import params
from api.errors import exception_handler
from api.pagination import CursorPagination
from api.throttling import ClientRateThrottle
from portal.cache import held, request_data_version
from portal.i18n import is_english

SAFE = ("GET", "HEAD")


class _NotModified(Exception):
    """Raised after the throttle when the client's copy is current: answered with 304."""

    def __init__(self, response):
        self.response = response


def version_since(version: int) -> float:
    """When the API first saw ``version``: one shared timestamp for every worker, held in each
    worker's memory while the version lasts (one read of the shared cache per version, not
    per request)."""
    return held("api-version-since", lambda: _version_since(version))


def _version_since(version: int) -> float:
    key = f"api:version-since:{version}"
    since = cache.get(key)
    if since is None:
        cache.add(key, time.time(), timeout=30 * 24 * 3600)
        since = cache.get(key) or time.time()
    return int(since)


class PublicAPIView(GenericAPIView):
    """An endpoint of the public read API. ``parameters`` lists the query parameters it
    accepts (anything else is a 400); ``ordering`` is a list's fixed order (the cursor's)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    renderer_classes = [ORJSONRenderer]
    pagination_class = CursorPagination
    parameters: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("id",)

    def get_exception_handler(self):
        return exception_handler

    def accepted_parameters(self) -> tuple[str, ...]:
        if self.pagination_class is not None and getattr(self, "paginated", True):
            return (*self.parameters, *params.PAGING)
        return self.parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the throttle runs here
        self._validators = None
        if request.method not in SAFE:
            return
        params.check_known(request, self.accepted_parameters())
        version = request_data_version()
        if version is None:  # the shared cache is down: no validators, a full answer
            return
        raw = f"{version}|{request.get_full_path()}|{get_language()}"
        etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
        since = version_since(version)
        self._validators = (etag, since)
        not_modified = get_conditional_response(request._request, etag=etag, last_modified=since)
        if not_modified is not None:
            raise _NotModified(not_modified)

    def handle_exception(self, exc):
        if isinstance(exc, _NotModified):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "_validators", None)
        if validators and response.status_code in (200, 304):
            etag, since = validators
            response["ETag"] = etag
            response["Last-Modified"] = http_date(since)
            # Every use asks again (a 304 is cheap); shared caches may keep it.
            patch_cache_control(response, public=True, no_cache=True)
        return response

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "english": is_english()}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)
