"""Engine backends for tests: the real OpenSearch node that `make test` starts, or none.

``make_engine_backend()`` gives a fresh ``EngineBackend`` with an index prefix of its own, so
parallel runs (and tests) never see each other's documents. When the node is not reachable the
test is skipped on a developer's machine and fails in CI (env CI set) or when the caller said
the node must be there (SEARCH_ENGINE_REQUIRED=1, exported by scripts/run-tests.sh): a missing
node must never turn the engine half of the contract suite into silent skips.
"""

from __future__ import annotations

import itertools
import os
import socket
import uuid

import pytest

from search.backends.engine import EngineBackend

DEFAULT_URL = "http://127.0.0.1:9250"
# Lower case only: index names must be.
SESSION_PREFIX = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
_counter = itertools.count(1)
_made: list[EngineBackend] = []
_reachable: dict[str, bool] = {}


def engine_url() -> str:
    return os.environ.get("SEARCH_TEST_URL", DEFAULT_URL)


def engine_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("SEARCH_ENGINE_REQUIRED") == "1"


def require_engine(url: str | None = None) -> None:
    """Skip (locally) or fail (CI) the calling test when no engine answers at ``url``."""
    url = url or engine_url()
    if url not in _reachable:
        _reachable[url] = EngineBackend(url, prefix=f"{SESSION_PREFIX}-probe").ping()
    if _reachable[url]:
        return
    message = (
        f"no search engine answers at {url} (SEARCH_TEST_URL); "
        "start one with `scripts/opensearch.sh start`"
    )
    if engine_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def make_engine_backend(prefix: str | None = None, **kwargs) -> EngineBackend:
    """A fresh backend on the test node with an empty index of its own (``prefix`` or a unique
    one). Remove it with ``drop_engine_backend`` or, for all at once, ``cleanup_engine_backends``.
    """
    require_engine()
    prefix = prefix or f"{SESSION_PREFIX}-{next(_counter)}"
    backend = EngineBackend(engine_url(), engine="opensearch", prefix=prefix, **kwargs)
    backend.drop_all()
    backend.ensure_index()
    _made.append(backend)
    return backend


def drop_engine_backend(backend: EngineBackend) -> None:
    """Delete the backend's indices (nothing left on the node after the test)."""
    backend.drop_all()
    if backend in _made:
        _made.remove(backend)


def cleanup_engine_backends() -> None:
    """Delete the indices of every backend made by ``make_engine_backend`` and not dropped."""
    while _made:
        _made.pop().drop_all()


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def down_engine_backend(engine: str = "opensearch") -> EngineBackend:
    """A backend whose engine is down: every call raises ``SearchUnavailable``."""
    return EngineBackend(
        f"http://127.0.0.1:{closed_port()}",
        engine=engine,
        prefix=f"{SESSION_PREFIX}-down",
        timeout=1.0,
    )


@pytest.fixture
def engine_backend():
    """A fresh engine backend for one test, dropped afterwards."""
    backend = make_engine_backend()
    yield backend
    drop_engine_backend(backend)
