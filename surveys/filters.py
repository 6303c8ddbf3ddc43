"""Filters of the surveys app's admin listings; their department, survey and service choices
hold only what the user may work with."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from portal.models import Department
from portal.permissions import editable_departments
from surveys.models import RectificationCase, Response, Service, Survey, SurveyResult


def _request_departments(request):
    # Filter choices show only the departments the user may work with.
    if request is None:
        return Department.objects.none()
    return editable_departments(request.user)


def _request_surveys(request):
    if request is None:
        return Survey.objects.none()
    return Survey.objects.filter(department__in=editable_departments(request.user))


def _request_services(request):
    if request is None:
        return Service.objects.none()
    return Service.objects.filter(department__in=editable_departments(request.user))


class ServiceFilterSet(WagtailFilterSet):
    """Service listing filters: department, channel, active."""

    department = django_filters.ModelChoiceFilter(
        queryset=_request_departments, label=_("Department")
    )

    class Meta:
        model = Service
        fields = ["department", "channel", "active"]


class ResponseFilterSet(WagtailFilterSet):
    """Response listing filters: department, survey, service, month, valid or invalidated."""

    department = django_filters.ModelChoiceFilter(
        field_name="survey__department", queryset=_request_departments, label=_("Department")
    )
    survey = django_filters.ModelChoiceFilter(queryset=_request_surveys, label=_("Survey"))
    service = django_filters.ModelChoiceFilter(queryset=_request_services, label=_("Service"))
    period = django_filters.DateFromToRangeFilter(label=_("Month"), widget=DateRangePickerWidget)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("valid", _("Valid")), ("invalidated", _("Invalidated"))],
        method="filter_status",
    )

    class Meta:
        model = Response
        fields = ["department", "survey", "service", "channel", "period", "status"]

    def filter_status(self, queryset, name, value):
        if value == "valid":
            return queryset.filter(invalidated_at__isnull=True)
        if value == "invalidated":
            return queryset.filter(invalidated_at__isnull=False)
        return queryset


class SurveyFilterSet(WagtailFilterSet):
    """Survey listing filters: department, public results, active."""

    department = django_filters.ModelChoiceFilter(
        queryset=_request_departments, label=_("Department")
    )

    class Meta:
        model = Survey
        fields = ["department", "results_public", "active"]


class SurveyResultFilterSet(WagtailFilterSet):
    """Result listing filters: department, survey, month."""

    department = django_filters.ModelChoiceFilter(
        field_name="survey__department", queryset=_request_departments, label=_("Department")
    )
    survey = django_filters.ModelChoiceFilter(queryset=_request_surveys, label=_("Survey"))
    period = django_filters.DateFromToRangeFilter(label=_("Month"), widget=DateRangePickerWidget)

    class Meta:
        model = SurveyResult
        fields = ["department", "survey", "period"]


class RectificationCaseFilterSet(WagtailFilterSet):
    """Rectification case filters: department, status, answer, overdue, public."""

    department = django_filters.ModelChoiceFilter(
        queryset=_request_departments, label=_("Department")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = RectificationCase
        fields = ["department", "status", "reply_kind", "overdue", "public"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
