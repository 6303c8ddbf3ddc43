"""What a worker holds in memory under the data version (portal.cache.held): the site's
identity, the published cycles and the withdrawal records, read once per data version instead
of once per page — and never shown stale, in this worker or another."""

import pytest
from django.core.cache import cache

from portal import cache as portal_cache
from portal.factories import CycleFactory
from portal.models import Cycle, SiteIdentity
from portal.withdrawals import indicator_record

pytestmark = pytest.mark.django_db


def test_the_site_identity_is_read_once_per_data_version(django_assert_num_queries):
    SiteIdentity.objects.create(name="江城市绩效公开")
    portal_cache.start_afresh()  # the save above left a change pending, as a test never commits
    with django_assert_num_queries(1):
        assert SiteIdentity.current().name == "江城市绩效公开"
    with django_assert_num_queries(0):
        assert SiteIdentity.current().name == "江城市绩效公开"


def test_a_change_made_in_this_worker_shows_at_once():
    identity = SiteIdentity.objects.create(name="江城市绩效公开")
    portal_cache.start_afresh()
    assert SiteIdentity.current().name == "江城市绩效公开"
    identity.name = "江城市政府绩效"
    identity.save()  # bumps: what this worker held is dropped at once, before the commit
    assert SiteIdentity.current().name == "江城市政府绩效"


def test_nothing_is_held_while_this_worker_has_a_change_not_yet_committed(
    django_assert_num_queries,
):
    SiteIdentity.objects.create(name="江城市绩效公开")  # its bump is pending (no commit here)
    with django_assert_num_queries(1):
        SiteIdentity.current()
    with django_assert_num_queries(1):  # read again: it might yet be rolled back
        SiteIdentity.current()


def test_another_workers_change_shows_once_the_version_moves():
    SiteIdentity.objects.create(name="江城市绩效公开")
    portal_cache.start_afresh()
    assert SiteIdentity.current().name == "江城市绩效公开"
    # Another worker renames the site: the row changes and, at its commit, the version moves.
    SiteIdentity.objects.update(name="江城市政府绩效")
    assert SiteIdentity.current().name == "江城市绩效公开"  # this worker: the version it knows
    cache.incr(portal_cache.VERSION_KEY)
    assert SiteIdentity.current().name == "江城市政府绩效"


def test_nothing_is_held_while_the_shared_cache_is_unreachable(
    monkeypatch, django_assert_num_queries
):
    CycleFactory(year=2031, published=True)
    portal_cache.start_afresh()
    monkeypatch.setattr(portal_cache, "data_version", lambda: None)
    with django_assert_num_queries(1):
        assert [c.year for c in Cycle.objects.published_with_latest_month()] == [2031]
    with django_assert_num_queries(1):
        Cycle.objects.published_with_latest_month()
    assert portal_cache._held == {}


def test_the_published_cycles_come_as_a_new_list_each_time():
    CycleFactory(year=2031, published=True)
    portal_cache.start_afresh()
    first = Cycle.objects.published_with_latest_month()
    first.clear()  # a caller's own list: what the worker holds is untouched
    assert [c.year for c in Cycle.objects.published_with_latest_month()] == [2031]


def test_an_indicator_never_withdrawn_costs_no_withdrawal_query(django_assert_num_queries):
    portal_cache.start_afresh()
    indicator_record("A-01")  # the first page reads which codes have withdrawals
    with django_assert_num_queries(0):
        assert indicator_record("B-02") == ([], [])
