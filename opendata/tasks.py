"""The open-data build as a django-tasks task, queued once the data changed.

Every change of public data moves the data version once its transaction commits
(``portal.cache``), which sends ``data_version_moved``; ``schedule_build`` then queues one
build, unless one is queued already and has not started: it will read this change too. So a
burst of changes (an import of thousands of rows, a recompute, the demo loader) queues one
build, not one per row. The build itself clears that mark first, so a change made while it
runs queues the next one. Production queues it in the database for ``manage.py db_worker``
(docs/operations.md); ``OPEN_DATA_BUILD_ON_CHANGE = False`` queues nothing (the test settings:
only tests/opendata turn it on, and run the build at once with the immediate backend).

The demo has no worker either, and a build takes seconds: with ``OPEN_DATA_BUILD_AFTER_RESPONSE``
(portal.settings.dev) a build that a request asked for (an editor's save) runs in a thread of its
own once that response is sent, so the save does not wait for it, and the recompute that follows
a save in the same request is in it; outside a request (the demo loader, a command) it runs at
once.
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django_tasks import task

from opendata import building
from portal.charts import draw_missing_charts

logger = logging.getLogger(__name__)

QUEUED_KEY = "opendata:build-queued"
# A queued build that never started (no worker running) stops holding back the next one after
# this long.
QUEUED_SECONDS = 60 * 60

# Per thread: inside a request (between request_started and request_finished), and whether a
# build waits for its response to be sent (OPEN_DATA_BUILD_AFTER_RESPONSE).
_request = threading.local()


@task()
def build_open_data() -> dict:
    """Build the files of every dataset whose content changed (``opendata.building``), then
    draw the indicators' charts whose data changed (``portal.charts.draw_missing_charts``):
    both are made from the data when it changes, not per request."""
    cache.delete(QUEUED_KEY)  # from now on a change queues another build
    report = building.build_catalogue()
    if report.rerun:
        schedule_build()
    if not settings.CHART_DRAW_AHEAD:
        return report.summary()
    charts = draw_missing_charts()
    return {**report.summary(), "charts_drawn": charts.drawn}


def schedule_build(**kwargs) -> None:
    """Queue a build unless one is queued and has not started yet (a signal receiver too).

    In production the build waits ``OPEN_DATA_BUILD_DELAY`` seconds, so the recompute that
    follows an import is in the same build. Never raises: a change must not fail because the
    queue could not be reached; the scheduled ``manage.py build_open_data`` catches up.
    """
    if not getattr(settings, "OPEN_DATA_BUILD_ON_CHANGE", True):
        return
    try:
        if not cache.add(QUEUED_KEY, True, QUEUED_SECONDS):
            return
    except Exception:
        logger.exception("open data: the shared cache is unreachable; no build queued")
        return
    if getattr(settings, "OPEN_DATA_BUILD_AFTER_RESPONSE", False) and getattr(
        _request, "active", False
    ):
        _request.build_waiting = True  # started by request_finished_receiver
        return
    _enqueue()


def _enqueue() -> None:
    try:
        job = build_open_data
        delay = getattr(settings, "OPEN_DATA_BUILD_DELAY", 0)
        if delay and job.get_backend().supports_defer:
            job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
        job.enqueue()
    except Exception:
        cache.delete(QUEUED_KEY)
        logger.exception("open data: could not queue a build")


def forget_marks() -> None:
    """Clear the queued mark and the build lock, for a setup that knows no build runs (the demo's:
    a demo stopped during a build leaves both in its database cache, and no build would run
    until they expire)."""
    cache.delete_many([QUEUED_KEY, building.LOCK_KEY, building.RERUN_KEY])


def request_started_receiver(**kwargs) -> None:
    _request.active = True
    _request.build_waiting = False


def request_finished_receiver(**kwargs) -> None:
    """The response is sent: start the build this request asked for, in a thread of its own."""
    _request.active = False
    if getattr(_request, "build_waiting", False):
        _request.build_waiting = False
        # Not a daemon: a server stopped or reloaded meanwhile lets the build finish first.
        threading.Thread(target=_build_off_request, name="open-data-build").start()


def _build_off_request() -> None:
    try:
        _enqueue()
    finally:
        connections.close_all()  # this thread's own connections
