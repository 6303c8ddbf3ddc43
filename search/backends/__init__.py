"""Which backend answers: the engine when ``SEARCH_URL`` is set, else the embedded one."""

from __future__ import annotations

import threading

from django.conf import settings

from search.backends.base import SearchBackend

_lock = threading.Lock()
_backends: dict[tuple, SearchBackend] = {}


def _settings_key() -> tuple:
    return (
        getattr(settings, "SEARCH_URL", "") or "",
        getattr(settings, "SEARCH_ENGINE", ""),
        getattr(settings, "SEARCH_INDEX_PREFIX", ""),
        getattr(settings, "SEARCH_TIMEOUT", None),
        str(getattr(settings, "SEARCH_EMBEDDED_PATH", "")),
    )


def get_backend() -> SearchBackend:
    """The configured backend, one instance per process and settings (clients are reused)."""
    key = _settings_key()
    backend = _backends.get(key)
    if backend is None:
        with _lock:
            backend = _backends.get(key)
            if backend is None:
                if key[0]:
                    from search.backends.engine import EngineBackend

                    backend = EngineBackend.from_settings()
                else:
                    from search.backends.embedded import EmbeddedBackend

                    backend = EmbeddedBackend()
                _backends[key] = backend
    return backend
