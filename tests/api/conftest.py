"""The API's test world: published and unpublished data side by side, built once a module."""

import copy

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.builders import build_api_world


@pytest.fixture(scope="module")
def _api_world_of_the_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_api_world()
        transaction.set_rollback(True)


@pytest.fixture
def api_world(_api_world_of_the_module, db) -> dict:
    return copy.deepcopy(_api_world_of_the_module)


@pytest.fixture
def api():
    """A client of the API (JSON answers parsed as ``response.json()``)."""
    return APIClient()
