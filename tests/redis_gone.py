"""A shared cache whose Redis is gone: the production cache settings pointed at a port
nothing listens on (what a stopped Redis looks like to the site)."""

import socket

from portal.settings.base import redis_caches


def redis_gone_caches() -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return redis_caches(f"redis://127.0.0.1:{port}/0")
