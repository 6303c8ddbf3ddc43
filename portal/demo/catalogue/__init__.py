"""The invented city 青川市: what a Chinese municipal government does and measures.

Plain data, no database work: the departments (``departments``), what they measure
(``indicators``), the goals they serve (``goals``), the city's places and welcome (``city``) and
what its people write (``texts``). Everything is fictional.
"""

from .city import CITY, CITY_EN, DISTRICTS, HOME_INTRO, HOME_INTRO_EN, HOME_NOTICE, STREETS
from .departments import DEPARTMENTS, DepartmentTemplate
from .goals import CITY_GOALS, GOAL_SOURCES, SERVICE_GOALS
from .indicators import GENERIC_INDICATORS, OWN_INDICATORS, IndicatorTemplate
from .texts import CORRECTION_REASONS, LAG_REASONS, REVIEW_STRENGTHS, REVIEW_WEAKNESSES

__all__ = [
    "CITY",
    "CITY_EN",
    "CITY_GOALS",
    "CORRECTION_REASONS",
    "DEPARTMENTS",
    "DISTRICTS",
    "GENERIC_INDICATORS",
    "GOAL_SOURCES",
    "HOME_INTRO",
    "HOME_INTRO_EN",
    "HOME_NOTICE",
    "LAG_REASONS",
    "OWN_INDICATORS",
    "REVIEW_STRENGTHS",
    "REVIEW_WEAKNESSES",
    "SERVICE_GOALS",
    "STREETS",
    "DepartmentTemplate",
    "IndicatorTemplate",
]
