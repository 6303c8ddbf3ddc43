"""How another app adds its part to the demo city: the ``portal_demo_data`` Wagtail hook.

The domain never imports the apps built on it, so each registers its part (reports, surveys)
in its own ``wagtail_hooks.py``, the way Wagtail's admin is extended::

    @hooks.register("portal_demo_data")
    def reports_demo_data():
        from disclosure import demo
        from portal.demo import DemoExtension

        return DemoExtension("Reports", build=demo.build, flush=demo.flush)

Every extension's ``flush()`` runs before the domain is emptied, and its ``build(context)``
once the domain's data and scores exist, in hook order: the order of ``INSTALLED_APPS``
unless a hook passes ``order=``. The order and the name are part of the seed (the name seeds
the extension's own random generators), so changing either changes the demo data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wagtail import hooks

from portal.models import Cycle, Department

if TYPE_CHECKING:
    from .build import DemoResult

DEMO_DATA_HOOK = "portal_demo_data"


def _nothing_to_flush() -> None:
    pass


@dataclass(frozen=True)
class DemoExtension:
    """Another app's part of the demo city: ``flush()`` removes what it built before the
    domain is emptied; ``build(context)`` adds its data once the domain's data exist."""

    name: str
    build: Callable[[DemoContext], None]
    flush: Callable[[], None] = _nothing_to_flush


@dataclass
class DemoContext:
    """What an extension may build on."""

    departments: list[Department]
    cycles: list[Cycle]
    as_of: datetime.date
    admin: object
    editors_by_department: dict
    rng: random.Random
    fake: object
    log: Callable[[str], None]
    result: DemoResult


def demo_extensions() -> list[DemoExtension]:
    """The extensions the installed apps register, in hook order."""
    return [hook() for hook in hooks.get_hooks(DEMO_DATA_HOOK)]
