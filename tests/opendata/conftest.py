"""The open-data tests store their files in memory, not in the working tree's media folder,
and a data change queues a build (off for the rest of the suite: portal/settings/test.py)."""

import pytest


@pytest.fixture(autouse=True)
def _memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture(autouse=True)
def _build_on_change(settings):
    settings.OPEN_DATA_BUILD_ON_CHANGE = True
