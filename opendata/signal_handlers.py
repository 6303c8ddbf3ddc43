"""A change of the licence invalidates the cached pages and the stored files (connected in
apps.ready()): the licence is on /data/ and inside every file."""

from opendata.models import OpenDataSettings
from portal.cache import bump_on_change


def register_signal_handlers() -> None:
    bump_on_change(OpenDataSettings, uid="opendata")
