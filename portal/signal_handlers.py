"""Invalidate cached public pages whenever published data changes (connected in apps.ready())."""

from django.db.models.signals import m2m_changed
from wagtail.signals import page_published, page_unpublished

from portal.cache import bump_on_change, bump_on_signal
from portal.models import (
    Cycle,
    Department,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
    SiteIdentity,
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
    SiteIdentity,  # the name in every page's title, header and footer
)


def register_signal_handlers() -> None:
    bump_on_change(*DATA_MODELS, uid="portal")
    m2m_changed.connect(
        bump_on_signal, sender=Goal.co_departments.through, dispatch_uid="portal-bump-m2m"
    )
    page_published.connect(bump_on_signal, dispatch_uid="portal-bump-page-published")
    page_unpublished.connect(bump_on_signal, dispatch_uid="portal-bump-page-unpublished")
