"""Filters of the admin listings; their department choices hold only the departments the user
may work with."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from portal.models import Cycle, Department, Goal, Indicator, Measurement, QualitativeReview
from portal.permissions import editable_departments


def _request_departments(request):
    # Filter choices show only the departments the user may work with.
    if request is None:
        return Department.objects.none()
    return editable_departments(request.user)


class GoalFilterSet(WagtailFilterSet):
    """Goal listing filters: cycle, department, level, status."""

    owner = django_filters.ModelChoiceFilter(
        queryset=_request_departments, label=_("Lead department")
    )

    class Meta:
        model = Goal
        fields = ["cycle", "owner", "level", "status"]


class IndicatorFilterSet(WagtailFilterSet):
    """Indicator listing filters: cycle, department, dimension, status, data source."""

    cycle = django_filters.ModelChoiceFilter(
        field_name="goal__cycle", queryset=Cycle.objects.all(), label=_("Cycle")
    )
    department = django_filters.ModelChoiceFilter(
        field_name="goal__owner", queryset=_request_departments, label=_("Department")
    )

    class Meta:
        model = Indicator
        fields = ["cycle", "department", "dimension", "status", "data_source"]


class MeasurementFilterSet(WagtailFilterSet):
    """Measurement listing filters: cycle, department, dimension, month."""

    cycle = django_filters.ModelChoiceFilter(
        field_name="indicator__goal__cycle", queryset=Cycle.objects.all(), label=_("Cycle")
    )
    department = django_filters.ModelChoiceFilter(
        field_name="indicator__goal__owner",
        queryset=_request_departments,
        label=_("Department"),
    )
    dimension = django_filters.ChoiceFilter(
        field_name="indicator__dimension",
        choices=Indicator.Dimension.choices,
        label=_("Dimension"),
    )
    period = django_filters.DateFromToRangeFilter(label=_("Month"), widget=DateRangePickerWidget)

    class Meta:
        model = Measurement
        fields = ["cycle", "department", "dimension", "period"]


class QualitativeReviewFilterSet(WagtailFilterSet):
    """Qualitative review filters: cycle, department."""

    class Meta:
        model = QualitativeReview
        fields = ["cycle", "department"]
