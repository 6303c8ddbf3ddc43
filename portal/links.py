"""Links printed by the hundred on one page: ``quick_reverse`` and the request's link context.

A department page prints a link for every goal and indicator. ``reverse()`` walks the URL
resolver each time; ``quick_reverse`` resolves a URL pattern once, then fills it in. Its memo is
keyed by the script prefix and URLconf in force, which Django keeps in asgiref ``Local``s that
cost microseconds per read; ``LinkContextMiddleware`` reads them once per request, after URL
resolution, into a ``ContextVar`` (one per request under WSGI threads and ASGI tasks alike).
"""

from __future__ import annotations

import re
from contextvars import ContextVar

from django.urls import get_script_prefix, get_urlconf, reverse

_PLAIN_URL_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
_URL_PATTERNS: dict[tuple, str] = {}
# (script prefix, urlconf) of the request being answered; None outside a view.
_LINK_CONTEXT: ContextVar[tuple[str, object] | None] = ContextVar("portal_links", default=None)


def quick_reverse(name: str, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)``, from a memo of URL patterns.

    Resolves the URL pattern once per (name, keyword names, prefix, urlconf), then fills it in;
    a value that needs quoting falls back to ``reverse`` itself.
    """
    values = {}
    for key, value in kwargs.items():
        text = value if type(value) is str else str(value)
        if not _PLAIN_URL_PART.match(text):
            return reverse(name, kwargs=kwargs)
        values[key] = text
    context = _LINK_CONTEXT.get()
    if context is None:
        context = (get_script_prefix(), get_urlconf())
    lookup = (name, *kwargs, *context)
    pattern = _URL_PATTERNS.get(lookup)
    if pattern is None:
        slots = {k: f"{{{k}}}" for k in kwargs}
        # Placeholders that any converter accepts: digits for int converters, else words.
        probe = {k: "1999" if isinstance(v, int) else f"zzslot{k}zz" for k, v in kwargs.items()}
        url = reverse(name, kwargs=probe)
        for k, v in probe.items():
            url = url.replace(str(v), slots[k], 1)
        pattern = _URL_PATTERNS[lookup] = url
    return pattern.format_map(values)


class LinkContextMiddleware:
    """Reads the script prefix and URLconf once per request for ``quick_reverse``.

    ``process_view`` runs after URL resolution, when a middleware's ``request.urlconf`` is in
    force; the context is cleared when the response leaves, so code outside a request (a
    streamed body, a management command) reads Django's values itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _LINK_CONTEXT.set(None)
        try:
            return self.get_response(request)
        finally:
            _LINK_CONTEXT.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        _LINK_CONTEXT.set((get_script_prefix(), get_urlconf()))
