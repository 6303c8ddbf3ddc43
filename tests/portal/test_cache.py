"""The data version that every cached public page is keyed by, and what bumps it."""

import pytest

from portal import cache as portal_cache
from portal.factories import DepartmentFactory, GoalFactory

pytestmark = pytest.mark.django_db


def _bumps(callbacks) -> int:
    # Other apps queue their own work after the commit too (the search index).
    return sum(cb.__qualname__.startswith("bump_data_version") for cb in callbacks)


def test_saving_and_deleting_domain_rows_bumps_the_version(django_capture_on_commit_callbacks):
    before = portal_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        department = DepartmentFactory()
    saved = portal_cache.data_version()
    assert saved > before
    with django_capture_on_commit_callbacks(execute=True):
        department.delete()
    assert portal_cache.data_version() > saved


def test_changing_a_goals_co_departments_bumps_the_version(django_capture_on_commit_callbacks):
    goal = GoalFactory()
    other = DepartmentFactory()
    before = portal_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        goal.co_departments.add(other)
    assert portal_cache.data_version() > before


def test_batched_bumps_bump_once_at_the_end(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with portal_cache.batched_bumps():
            departments = DepartmentFactory.create_batch(5)
            departments[0].delete()
    assert _bumps(callbacks) == 1  # not six
    # Outside the block every change bumps again.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        DepartmentFactory.create_batch(2)
    assert _bumps(callbacks) == 2
