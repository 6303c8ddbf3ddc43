"""Emptying the performance domain before the demo city is rebuilt."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
    TargetAdjustment,
)

# Deleted by a flush, children first.
DOMAIN_MODELS: tuple[type[models.Model], ...] = (
    Evaluation,
    MeasurementCorrection,
    Measurement,
    TargetAdjustment,
    Indicator,
    Goal.co_departments.through,
    Goal,
    QualitativeReview,
    DepartmentEditor,
    Department,
    Cycle,
)


def flush_domain_data() -> None:
    """Delete every department, cycle, goal, indicator, measurement and evaluation.

    Rows of other apps that point at them are removed (or unlinked) through the ORM first;
    the domain tables themselves are emptied with plain DELETE statements, because the ORM
    would load and signal ~150k measurements one by one at --scale 10.
    """
    from wagtail.models import ModelLogEntry, ReferenceIndex
    from wagtail.search.models import IndexEntry

    domain = set(DOMAIN_MODELS)
    for model in DOMAIN_MODELS:
        for rel in model._meta.related_objects:
            if rel.many_to_many:
                through = rel.through
                if through in domain:
                    continue
                fk = next(
                    f for f in through._meta.fields if f.is_relation and f.related_model is model
                )
                through._base_manager.filter(**{f"{fk.name}__isnull": False}).delete()
                continue
            related = rel.related_model
            if related in domain:
                continue
            linked = related._base_manager.filter(**{f"{rel.field.name}__isnull": False})
            if rel.on_delete is models.SET_NULL:
                linked.update(**{rel.field.name: None})
            else:
                linked.delete()
    content_types = ContentType.objects.get_for_models(
        *[m for m in DOMAIN_MODELS if not m._meta.auto_created]
    ).values()
    ModelLogEntry.objects.filter(content_type__in=content_types).delete()
    ReferenceIndex.objects.filter(base_content_type__in=content_types).delete()
    ReferenceIndex.objects.filter(to_content_type__in=content_types).delete()
    # Wagtail's database search index, should any domain model become Indexed.
    IndexEntry.objects.filter(content_type__in=content_types).delete()
    with connection.cursor() as cursor:
        for model in DOMAIN_MODELS:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
