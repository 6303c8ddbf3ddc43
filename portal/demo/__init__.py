"""The demo city 青川市 (Qingchuan): invented departments, goals, indicators and monthly data.

Everything here is fictional. ``build_demo_city`` flushes the performance domain and rebuilds it
from the factories with a fixed seed, so the same seed always gives the same city (a demo that
changes between runs cannot be used in screenshots, bug reports or benchmarks).

- ``catalogue``: the invented city (departments, what they measure, goals, places, texts);
- ``generation``: pure generators (departments at a scale, targets, monthly trajectories);
- ``accounts``: groups and the demo's users; ``flush``: emptying the domain;
- ``rows``: the domain rows of each cycle; ``build``: the whole run and its summary;
- ``extensions``: the ``portal_demo_data`` hook through which reports and surveys add theirs.
"""

from .accounts import (
    CITY_ADMIN_GROUP,
    DEFAULT_ADMIN_PASSWORD,
    DEFAULT_EDITOR_PASSWORD,
    DEPARTMENT_EDITOR_GROUP,
    EDITOR_SLUGS,
)
from .build import DEFAULT_SEED, DemoResult, analyze, build_demo_city, data_fingerprint
from .catalogue import (
    CITY,
    CITY_EN,
    CITY_GOALS,
    CORRECTION_REASONS,
    DEPARTMENTS,
    GENERIC_INDICATORS,
    SERVICE_GOALS,
    DepartmentTemplate,
    IndicatorTemplate,
)
from .extensions import DEMO_DATA_HOOK, DemoContext, DemoExtension
from .generation import (
    DEPARTMENTS_PER_SCALE,
    cycle_targets,
    department_specs,
    trajectory,
)

__all__ = [
    "CITY",
    "analyze",
    "CITY_ADMIN_GROUP",
    "CITY_EN",
    "CITY_GOALS",
    "CORRECTION_REASONS",
    "DEFAULT_ADMIN_PASSWORD",
    "DEFAULT_EDITOR_PASSWORD",
    "DEFAULT_SEED",
    "DEMO_DATA_HOOK",
    "DEPARTMENTS",
    "DEPARTMENTS_PER_SCALE",
    "DEPARTMENT_EDITOR_GROUP",
    "EDITOR_SLUGS",
    "GENERIC_INDICATORS",
    "SERVICE_GOALS",
    "DemoContext",
    "DemoExtension",
    "DemoResult",
    "DepartmentTemplate",
    "IndicatorTemplate",
    "build_demo_city",
    "cycle_targets",
    "data_fingerprint",
    "department_specs",
    "trajectory",
]
