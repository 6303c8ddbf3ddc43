"""Invalidate cached public pages whenever survey data changes (connected in apps.ready())."""

from django.db.models.signals import post_delete, post_save

from portal import cache as portal_cache
from surveys.models import RectificationCase, Survey, SurveyQuestion, SurveyResult

DATA_MODELS = (Survey, SurveyQuestion, SurveyResult, RectificationCase)


def _bump(**kwargs):
    # The survey pages are cached with portal.cache.cached_public_page: one version for all.
    portal_cache.bump_data_version()


for _model in DATA_MODELS:
    post_save.connect(_bump, sender=_model, dispatch_uid=f"surveys-bump-save-{_model.__name__}")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"surveys-bump-del-{_model.__name__}")
