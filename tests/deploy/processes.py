"""Talking to the real processes the deploy checks start: PostgreSQL's tools and HTTP."""

from __future__ import annotations

import glob
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL's {name} is not installed (scripts/system-deps.sh postgresql)")
    return found[-1]


def get(url: str, timeout: float = 10) -> tuple[int, dict]:
    """(status, headers); 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


# gunicorn started by the deploy checks logs into files named so (tests/deploy/conftest.py).
APP_LOG_PREFIX = "portal-fault-gunicorn-"


def app_log() -> str:
    """The last lines each running app server logged, for a failing check's message."""
    lines = []
    for path in sorted(Path(tempfile.gettempdir()).glob(f"{APP_LOG_PREFIX}*.log")):
        lines += path.read_text(errors="replace").splitlines()[-20:]
    return "\n".join(lines)
