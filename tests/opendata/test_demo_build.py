"""With no worker (the demo, ``OPEN_DATA_BUILD_AFTER_RESPONSE``): a build that a request asked for
runs in a thread of its own once the response is sent, one for the save and the recompute that
follows it; outside a request (the demo loader, a command) it runs at once.

Transactional: the data commits as in the demo, and the build's thread reads it on a connection
of its own. The view below stands for an editor's save (a figure, then its cycle recomputed).
"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from opendata import building, tasks
from opendata.models import DatasetFile
from portal.actions import record_measurement
from portal.cache import batched_bumps, data_version
from portal.models import Indicator
from portal.recompute import affected_cycle_ids, schedule_recompute
from portal.urls import urlpatterns as site_urls
from tests.builders import YEAR, build_city

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

KEY = f"measurements-{YEAR}"
# The catalogue builds that ran (the thread of each), and what the view saw of them.
builds: list[str] = []
seen_in_request: dict = {}


def save_a_figure(request):
    """An editor's save: the figure commits, then its cycle's recompute (two data changes)."""
    indicator = Indicator.objects.order_by("pk").first()
    record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("77.125"))
    schedule_recompute(affected_cycle_ids(indicator))
    seen_in_request["builds"] = len(builds)
    seen_in_request["build threads"] = _build_threads()
    return HttpResponse("saved")


def read_only(request):
    return HttpResponse("read")


# The site's own URLs too: what the save sets off (the search index, the build) reverses them.
urlpatterns = [path("test/save/", save_a_figure), path("test/read/", read_only), *site_urls]


def _build_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "open-data-build"]


@pytest.fixture(autouse=True)
def _demo(settings, monkeypatch):
    """The demo's settings; the builds counted."""
    settings.OPEN_DATA_BUILD_AFTER_RESPONSE = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for key in (tasks.QUEUED_KEY, building.LOCK_KEY, building.RERUN_KEY):
        cache.delete(key)
    builds.clear()
    seen_in_request.clear()
    build = building.build_catalogue

    def counting(**kwargs):
        builds.append(threading.current_thread().name)
        return build(**kwargs)

    monkeypatch.setattr(building, "build_catalogue", counting)


def test_a_save_in_a_request_builds_once_after_its_response(client):
    # Outside a request (the demo loader): the build runs at once, in this thread.
    with batched_bumps(), transaction.atomic():
        build_city(departments=1, months=2)
    assert builds == [threading.current_thread().name]
    before = DatasetFile.objects.get(key=KEY, language="en")

    response = client.post("/test/save/")

    assert response.status_code == 200
    # Neither during the save nor its recompute: the response did not wait for a build.
    assert seen_in_request == {"builds": 1, "build threads": []}
    for thread in _build_threads():
        thread.join(timeout=60)
    # One build for both changes, in its own thread, after the response.
    assert builds[1:] == ["open-data-build"]
    after = DatasetFile.objects.get(key=KEY, language="en")
    assert after.digest != before.digest and after.rows == before.rows + 1
    assert after.data_version == data_version()
    assert cache.get(tasks.QUEUED_KEY) is None


def test_a_request_that_changes_nothing_starts_no_build(client):
    assert client.get("/test/read/").content == b"read"
    assert _build_threads() == [] and builds == []
