"""A shared cache whose Redis is gone: the production cache settings pointed at a port
nothing listens on (what a stopped Redis looks like to the site)."""

from portal.settings.base import redis_caches
from tests.builders import free_port


def redis_gone_caches() -> dict:
    return redis_caches(f"redis://127.0.0.1:{free_port()}/0")
