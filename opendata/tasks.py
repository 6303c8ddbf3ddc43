"""The open-data build as a django-tasks task, queued once the data changed.

Every change of public data moves the data version once its transaction commits
(``portal.cache``), which sends ``data_version_moved``; ``schedule_build`` then queues one
build, unless one is queued already and has not started: it will read this change too. So a
burst of changes (an import of thousands of rows, a recompute, the demo loader) queues one
build, not one per row. The build itself clears that mark first, so a change made while it
runs queues the next one. Tests and the demo run the task at once (the immediate backend);
production queues it in the database for ``manage.py db_worker`` (docs/operations.md).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from opendata import building

logger = logging.getLogger(__name__)

QUEUED_KEY = "opendata:build-queued"
# A queued build that never started (no worker running) stops holding back the next one after
# this long.
QUEUED_SECONDS = 60 * 60


@task()
def build_open_data() -> dict:
    """Build the files of every dataset whose content changed (``opendata.building``)."""
    cache.delete(QUEUED_KEY)  # from now on a change queues another build
    report = building.build_catalogue()
    if report.rerun:
        schedule_build()
    return report.summary()


def schedule_build(**kwargs) -> None:
    """Queue a build unless one is queued and has not started yet (a signal receiver too).

    In production the build waits ``OPEN_DATA_BUILD_DELAY`` seconds, so the recompute that
    follows an import is in the same build. Never raises: a change must not fail because the
    queue could not be reached; the scheduled ``manage.py build_open_data`` catches up.
    """
    try:
        if not cache.add(QUEUED_KEY, True, QUEUED_SECONDS):
            return
    except Exception:
        logger.exception("open data: the shared cache is unreachable; no build queued")
        return
    try:
        job = build_open_data
        delay = getattr(settings, "OPEN_DATA_BUILD_DELAY", 0)
        if delay and job.get_backend().supports_defer:
            job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
        job.enqueue()
    except Exception:
        cache.delete(QUEUED_KEY)
        logger.exception("open data: could not queue a build")
