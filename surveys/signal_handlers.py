"""Invalidate cached public pages whenever survey data changes (connected in apps.ready())."""

from portal.cache import bump_on_change
from surveys.models import RectificationCase, Survey, SurveyQuestion, SurveyResult

# The survey pages are cached with portal.cache.cached_public_page: one version for all.
DATA_MODELS = (Survey, SurveyQuestion, SurveyResult, RectificationCase)


def register_signal_handlers() -> None:
    bump_on_change(*DATA_MODELS, uid="surveys")
