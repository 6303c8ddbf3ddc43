"""Talking to the real processes the deploy checks start: PostgreSQL's tools and HTTP."""

from __future__ import annotations

import glob
import urllib.error
import urllib.request

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
