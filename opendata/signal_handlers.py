"""A change of the licence invalidates the cached pages and the stored files; every move of
the data version queues a build of the files (connected in apps.ready())."""

from opendata.models import OpenDataSettings
from portal.cache import bump_on_change, data_version_moved


def register_signal_handlers() -> None:
    from opendata.tasks import schedule_build

    bump_on_change(OpenDataSettings, uid="opendata")
    data_version_moved.connect(schedule_build, dispatch_uid="opendata-build-on-change")
