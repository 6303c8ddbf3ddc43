"""The performance domain's search documents: departments, goals, indicators, monthly results.

Search indexes the domain itself (content apps register their own documents). Only public data
is built: active departments, and goals, indicators and monthly results of *published* cycles
(every year, not only the current one). Registered by ``register()``, from the search app's
``ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.months import chinese_month_label, iso_month
from search.backends.base import SearchDocument
from search.documents import (
    CHUNK,
    department_fields,
    document_id,
    group_key,
    int_pks,
    number_text,
    register_source,
)
from search.text import pinyin_text


def department_documents(pks=None) -> Iterator[SearchDocument]:
    """Active departments: their page is the best answer to a department's name."""
    from portal.models import Department

    qs = Department.objects.filter(active=True)
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for dept in qs.order_by("pk").iterator(chunk_size=CHUNK):
        yield SearchDocument(
            id=document_id("department", dept.pk),
            type="department",
            title=dept.name,
            body=dept.description,
            url=reverse("portal:department", kwargs={"slug": dept.slug}),
            keywords=" ".join(filter(None, [dept.short_name, dept.name_en, dept.slug])),
            pinyin=pinyin_text(dept.name, dept.short_name),
            extra={"name_en": dept.name_en, "category": dept.category},
            **department_fields(dept.pk, dept.name, dept.short_name),
        )


def count_departments() -> int:
    from portal.models import Department

    return Department.objects.filter(active=True).count()


def goal_documents(pks=None) -> Iterator[SearchDocument]:
    """Goals of published cycles, with their lead and co-departments."""
    from portal.models import Goal

    qs = (
        Goal.objects.filter(cycle__published=True)
        .select_related("cycle", "owner", "parent")
        .prefetch_related("co_departments")
    )
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for goal in qs.order_by("pk").iterator(chunk_size=CHUNK):
        owner, cycle = goal.owner, goal.cycle
        co = [d.name for d in goal.co_departments.all()]
        body = "\n".join(
            filter(None, [goal.description, goal.target_statement, goal.measure, goal.source])
        )
        yield SearchDocument(
            id=document_id("goal", goal.pk),
            type="goal",
            # A goal's codes are per year: the same title of the same department is one goal
            # over the years, shown once with its other years.
            group=group_key("goal", owner.pk, goal.title),
            title=goal.title,
            body=body,
            url=reverse("portal:goal", kwargs={"year": cycle.year, "code": goal.code}),
            year=cycle.year,
            status=goal.status,
            date=cycle.start_date,
            period=str(cycle.year),
            keywords=" ".join([goal.code, *co, goal.parent.title if goal.parent else ""]),
            pinyin=pinyin_text(goal.title, owner.name, owner.short_name),
            extra={
                "code": goal.code,
                "level": goal.level,
                "deadline": goal.deadline.isoformat() if goal.deadline else "",
                "department_en": owner.name_en,
            },
            **department_fields(owner.pk, owner.name, owner.short_name),
        )


def count_goals() -> int:
    from portal.models import Goal

    return Goal.objects.filter(cycle__published=True).count()


def indicator_documents(pks=None) -> Iterator[SearchDocument]:
    """Indicators of published cycles with their latest value, status and department."""
    from portal.models import Indicator

    qs = Indicator.objects.filter(goal__cycle__published=True).select_related(
        "goal", "goal__cycle", "goal__owner"
    )
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for ind in qs.order_by("pk").iterator(chunk_size=CHUNK):
        goal, owner, cycle = ind.goal, ind.goal.owner, ind.goal.cycle
        latest = ind.latest_period
        body = "\n".join(filter(None, [goal.title, ind.methodology, ind.source_description]))
        yield SearchDocument(
            id=document_id("indicator", ind.pk),
            type="indicator",
            # Each year's indicator has a code of its own (2026-03-02-01); the department and
            # the name are what stays the same from year to year.
            group=group_key("indicator", owner.pk, ind.name),
            title=ind.name,
            body=body,
            url=reverse("portal:indicator", kwargs={"code": ind.code}),
            year=cycle.year,
            dimension=ind.dimension,
            status=ind.status,
            date=latest or cycle.start_date,
            period=iso_month(latest) or str(cycle.year),
            keywords=" ".join(filter(None, [ind.code, goal.code, ind.unit])),
            pinyin=pinyin_text(ind.name, owner.name, owner.short_name),
            extra={
                "code": ind.code,
                "unit": ind.unit,
                "target": number_text(ind.target),
                "latest_value": number_text(ind.latest_value),
                "latest_period": iso_month(latest),
                "goal": goal.title,
                "department_en": owner.name_en,
            },
            **department_fields(owner.pk, owner.name, owner.short_name),
        )


def count_indicators() -> int:
    from portal.models import Indicator

    return Indicator.objects.filter(goal__cycle__published=True).count()


RESULT_FIELDS = (
    "pk",
    "period",
    "value",
    "note",
    "source",
    "indicator__code",
    "indicator__name",
    "indicator__unit",
    "indicator__dimension",
    "indicator__target",
    "indicator__goal__cycle__year",
    "indicator__goal__owner_id",
    "indicator__goal__owner__name",
    "indicator__goal__owner__short_name",
    "indicator__goal__owner__name_en",
)


def result_documents(pks=None) -> Iterator[SearchDocument]:
    """One document per monthly figure (indicator × month) of published cycles.

    Read as plain values (not model instances): a rebuild of the scale-10 city reads ~150k rows.
    The status light belongs to the indicator as of its latest month (the domain keeps no
    per-month light), so results carry none; their indicator's document does.
    """
    from portal.models import Measurement, MeasurementCorrection

    qs = Measurement.objects.filter(indicator__goal__cycle__published=True).annotate(
        corrected=Exists(MeasurementCorrection.objects.filter(measurement=OuterRef("pk")))
    )
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    urls: dict[str, str] = {}
    for row in qs.order_by("pk").values(*RESULT_FIELDS, "corrected").iterator(chunk_size=CHUNK):
        code = row["indicator__code"]
        url = urls.get(code)
        if url is None:
            url = urls[code] = reverse("portal:indicator", kwargs={"code": code})
        period: datetime.date = row["period"]
        name, unit = row["indicator__name"], row["indicator__unit"]
        value = number_text(row["value"])
        label = chinese_month_label(period)
        body = "；".join(filter(None, [f"{label}：{value}{unit}", row["note"], row["source"]]))
        owner_name = row["indicator__goal__owner__name"]
        owner_short = row["indicator__goal__owner__short_name"]
        yield SearchDocument(
            id=document_id("result", row["pk"]),
            type="result",
            group=group_key("result", row["indicator__goal__owner_id"], name),
            title=name,
            body=body,
            url=url,
            year=row["indicator__goal__cycle__year"],
            dimension=row["indicator__dimension"],
            date=period,
            period=iso_month(period),
            keywords=f"{code} {iso_month(period)} {unit}",
            pinyin=pinyin_text(name, owner_name, owner_short),
            extra={
                "indicator_code": code,
                "value": value,
                "unit": unit,
                "target": number_text(row["indicator__target"]),
                "corrected": bool(row["corrected"]),
                "department_en": row["indicator__goal__owner__name_en"],
            },
            **department_fields(row["indicator__goal__owner_id"], owner_name, owner_short),
        )


def count_results() -> int:
    from portal.models import Measurement

    return Measurement.objects.filter(indicator__goal__cycle__published=True).count()


def register() -> None:
    register_source(
        "department",
        department_documents,
        label=_("Department"),
        count_fn=count_departments,
        order=10,
    )
    register_source(
        "goal", goal_documents, label=_("Goal"), count_fn=count_goals, order=20, group_unit="years"
    )
    register_source(
        "indicator",
        indicator_documents,
        label=_("Indicator"),
        count_fn=count_indicators,
        order=30,
        group_unit="years",
    )
    register_source(
        "result",
        result_documents,
        label=_("Monthly result"),
        count_fn=count_results,
        order=40,
        group_unit="months",
    )
