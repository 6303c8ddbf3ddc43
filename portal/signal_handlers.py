"""Invalidate cached public pages whenever published data changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from portal import cache as portal_cache
from portal.models import (
    Cycle,
    Department,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
)

DATA_MODELS = (
    Cycle,
    Department,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
    Evaluation,
)


def _bump(**kwargs):
    portal_cache.bump_data_version()


for _model in DATA_MODELS:
    post_save.connect(_bump, sender=_model, dispatch_uid=f"portal-bump-save-{_model.__name__}")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"portal-bump-del-{_model.__name__}")
m2m_changed.connect(_bump, sender=Goal.co_departments.through, dispatch_uid="portal-bump-m2m")


@receiver(page_published, dispatch_uid="portal-bump-page-published")
@receiver(page_unpublished, dispatch_uid="portal-bump-page-unpublished")
def _bump_on_publish(sender, **kwargs):
    portal_cache.bump_data_version()
