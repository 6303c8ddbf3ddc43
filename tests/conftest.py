"""Fixtures for the whole suite; what they build comes from tests/builders.py."""

import copy

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.builders import build_survey_world, build_world, ensure_default_site


def pytest_configure(config):
    # Tests serve static files from the app folders; STATIC_ROOT exists only after
    # collectstatic, and WhiteNoise's warning about it is noise here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def english():
    """Messages have English msgids: pin the language, so a zh-hans catalog keeps the
    assertions on their wording valid."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Page caches and rate limits live in the cache, and what a worker holds under the data
    # version in its memory (portal.cache.held): start every test from empty.
    from portal.cache import start_afresh

    cache.clear()
    start_afresh()
    yield
    cache.clear()
    start_afresh()


@pytest.fixture
def wagtail_site(db):
    """The default site with its HomePage, present even after a transactional test's flush."""
    return ensure_default_site()


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup, django_db_blocker):
    # Built once per test module, like Django's setUpTestData: inside one transaction that is
    # rolled back after the module's last test, so nothing leaks into other modules. Each
    # test runs in a savepoint within it (pytest-django's `db`), and pytest-django runs
    # transactional tests only after all of these, so none of them sees this transaction.
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_of_the_module, db) -> dict:
    """Departments A and B with a goal, indicator and measurement each, an editor of A and a
    city administrator (tests.builders.build_world), built once per module.

    Each test gets its own copy of the objects, as setUpTestData gives, so one test's
    ``refresh_from_db()`` or changed attribute never reaches the next. A module that needs
    another world (imports, surveys, reports) defines its own ``world`` fixture.
    """
    return copy.deepcopy(_world_of_the_module)


@pytest.fixture(scope="module")
def _survey_world_of_the_module(django_db_setup, django_db_blocker):
    # As _world_of_the_module: built once per module, rolled back after its last test.
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_survey_world()
        transaction.set_rollback(True)


@pytest.fixture
def survey_world(_survey_world_of_the_module, db) -> dict:
    """Departments A and B with services, surveys, ratings, results and cases, an editor of A
    and a city administrator (tests.builders.build_survey_world), built once per module; each
    test gets its own copy of the objects."""
    return copy.deepcopy(_survey_world_of_the_module)
