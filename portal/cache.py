"""Shared-cache page caching keyed by a data version that every data change bumps.

The version lives in the shared cache (database or Redis), so a change made in one worker
invalidates the pages cached by all workers at once (DESIGN.md: nothing assumes one process).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import translation

logger = logging.getLogger(__name__)

VERSION_KEY = "portal:data-version"

# Sent once the data version has moved, after the commit: what is built from the data ahead of
# the requests (the open-data files) is built again, in the background.
data_version_moved = Signal()

# Set by a bump, cleared by the first after-commit callback that moves the version.
_bump_due = threading.local()

# True inside ``batched_bumps()``: every bump is left to its end.
_BUMPS_BATCHED = contextvars.ContextVar("portal_cache_bumps_batched", default=False)


def data_version() -> int | None:
    """The current data version. A version lost from the cache (evicted, or the cache
    restarted) comes back as a new number, never an old one: what a worker memorised under an
    old version (``surveys.form_definitions``) must not look current again. None while the
    shared cache cannot be reached (nothing may be memorised then)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


# What this worker holds in memory under a data version (``held``): key → (version, value).
_held: dict[str, tuple[int, object]] = {}

# The data version as the request being answered first read it, in a one-item list
# (``CachedPageMiddleware`` sets it up): the page-cache lookup and every ``held`` value of a
# page share one read of the shared cache. None outside a request: each call reads.
_REQUEST_VERSION: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "portal_request_version", default=None
)


def request_data_version() -> int | None:
    """``data_version()``, read once per request."""
    slot = _REQUEST_VERSION.get()
    if slot is None:
        return data_version()
    if not slot:
        slot.append(data_version())
    return slot[0]


def held(key: str, load):
    """``load()``'s value, held in this worker's memory until the data version moves.

    For the few small reads that every public page repeats and that only a data change alters
    (the site's identity, the published cycles, the withdrawal records): each was a round trip
    and a query compiled per page, a fifth of an uncached indicator page's time (bench/). The
    value is shared by every request of the worker: treat it as read-only. Nothing is held
    while the shared cache cannot be reached, nor while this thread has a change that has not
    committed yet (``bump_data_version`` drops everything held at once: the rest of the
    transaction, or a test, sees its own change).
    """
    version = request_data_version()  # read before the rows: a change meanwhile reloads next time
    entry = _held.get(key)
    if entry is not None and version is not None and entry[0] == version:
        return entry[1]
    value = load()
    if version is not None and not getattr(_bump_due, "due", False):
        _held[key] = (version, value)
    return value


def forget_held() -> None:
    """Drop everything this worker holds under the data version."""
    _held.clear()


def start_afresh() -> None:
    """For tests: nothing held, and no change pending from a test rolled back before its
    commit (which would otherwise keep this thread from holding anything afterwards)."""
    _held.clear()
    _bump_due.due = False


def bump_data_version() -> None:
    """Invalidate every cached public page (after the transaction commits).

    The bumps of one transaction move the version once (an import's thousands of rows, one
    move, one ``data_version_moved``). Inside ``batched_bumps()`` it waits for the block's end,
    which bumps once: a bump in the block (a recompute's) would move the version at the commit
    and the block's own bump once more after it.
    """
    forget_held()
    if _BUMPS_BATCHED.get():
        return
    _bump_due.due = True
    # One callback per call, not per transaction: a savepoint rolled back drops the callbacks
    # registered inside it; the first callback to run does the bump, the others find it done.
    transaction.on_commit(_move_version)


def _move_version() -> None:
    if not getattr(_bump_due, "due", False):
        return
    _bump_due.due = False
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    for receiver, error in data_version_moved.send_robust(sender=None):
        if isinstance(error, Exception):
            logger.error("data_version_moved: %r failed", receiver, exc_info=error)


def bump_on_signal(sender=None, **kwargs) -> None:
    """Signal receiver: any change it is connected to invalidates every cached public page."""
    bump_data_version()


@contextlib.contextmanager
def batched_bumps():
    """Rows saved or deleted inside bump the data version once, at the end, not once each.

    For bulk loads such as the demo city: every bump is a cache write after the commit, and a
    few thousand of them cost more than the rest of the load; and every move of the version
    queues an open-data build.
    """
    token = _BUMPS_BATCHED.set(True)
    try:
        yield
    finally:
        _BUMPS_BATCHED.reset(token)
        bump_data_version()


def bump_on_change(*models, uid: str, on_save: bool = True) -> None:
    """Connect ``bump_on_signal`` to the saving and deleting of every row of ``models``.

    Called from each app's ``ready()``: the public pages of every app are cached under the one
    data version, so each app says here which of its models those pages show. ``on_save=False``
    is for pages, whose saves are drafts (their publishing is a signal of its own).
    """
    for model in models:
        name = model.__name__
        if on_save:
            post_save.connect(bump_on_signal, sender=model, dispatch_uid=f"{uid}-bump-save-{name}")
        post_delete.connect(bump_on_signal, sender=model, dispatch_uid=f"{uid}-bump-del-{name}")


# HEAD is GET without the body (the server drops it): both read and fill the same copy.
CACHED_METHODS = ("GET", "HEAD")


def _page_key(request) -> str | None:
    """The page's key under the current data version; None while the cache is unreachable
    (nothing is stored that a later outage could serve stale)."""
    version = request_data_version()
    if version is None:
        return None
    # Scheme and host are part of the key: pages hold absolute links (downloads, the API's
    # URLs), so a request under another allowed Host must not plant its links in the copy
    # every other visitor gets.
    raw = f"{request.build_absolute_uri()}|{translation.get_language()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"portal:page:{version}:{digest}"


def cached_public_page(view):
    """Cache a public GET view's 200 response in the shared cache for anonymous visitors."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in CACHED_METHODS
            or request.user.is_authenticated
            or settings.PUBLIC_PAGE_CACHE_SECONDS <= 0
        ):
            return view(request, *args, **kwargs)
        # CachedPageMiddleware has looked already when it ran: a miss there is a miss here.
        if hasattr(request, "_portal_page_key"):
            key = request._portal_page_key
        else:
            key = _page_key(request)
            cached = cache.get(key) if key else None
            if cached is not None:
                return cached
        response = view(request, *args, **kwargs)
        if (
            key
            and response.status_code == 200
            and not getattr(response, "streaming", False)
            # A view says this answer is about to change without a data change (no-store).
            and "no-store" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            # CSRF tokens are per visitor: never cache a page that carries one (why a scan:
            # docs/decisions/0004-page-cache-csrf-scan.md).
            if b"csrfmiddlewaretoken" not in response.content and not response.cookies:
                cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper


class CachedPageMiddleware:
    """Answer a cached public page before URL routing and Wagtail's site and page lookup.

    Only responses that ``cached_public_page`` stored are ever found, under the same key, so
    this serves nothing a view would not have served from the cache itself; it only skips the
    routing and page-tree queries in front of the view (a cached home page costs no query).
    It sits last in MIDDLEWARE so every other middleware still handles the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _REQUEST_VERSION.set([])
        try:
            return self._answer(request)
        finally:
            _REQUEST_VERSION.reset(token)

    def _answer(self, request):
        if (
            request.method in CACHED_METHODS
            and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
            and not request.user.is_authenticated
        ):
            key = _page_key(request)
            cached = cache.get(key) if key else None
            if cached is not None:
                return cached
            request._portal_page_key = key
        return self.get_response(request)
