"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Page caches and rate limits live in the cache: start every test from empty.
    cache.clear()
    yield
    cache.clear()
