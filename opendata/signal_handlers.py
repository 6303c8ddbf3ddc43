"""A change of the licence invalidates the cached pages and the stored files; every move of
the data version queues a build of the files; the requests' start and end tell a build asked
for in a request to wait for its response (connected in apps.ready(); ``opendata.tasks``)."""

from django.core.signals import request_finished, request_started

from opendata.models import OpenDataSettings
from portal.cache import bump_on_change, data_version_moved


def register_signal_handlers() -> None:
    from opendata import tasks

    bump_on_change(OpenDataSettings, uid="opendata")
    data_version_moved.connect(tasks.schedule_build, dispatch_uid="opendata-build-on-change")
    request_started.connect(tasks.request_started_receiver, dispatch_uid="opendata-request")
    request_finished.connect(tasks.request_finished_receiver, dispatch_uid="opendata-request")
