"""The editors' screens for surveys, monthly results and rectification cases.

Rows come through the department-scoped permission policies (surveys.permissions), with the
same scoped listing, inspect, history and usage views as the performance domain, so a
department editor lists only their department's rows and another department's edit, delete,
inspect or history URL answers 404. Wagtail's generic create/edit/delete views write the audit
log themselves.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.models import Department
from portal.months import iso_month
from portal.permissions import editable_departments
from portal.viewsets import PortalModelViewSet
from surveys.admin_forms import (
    OptionLinesWidget,
    RectificationCaseAdminForm,
    SurveyAdminForm,
    SurveyQuestionAdminForm,
    SurveyResultAdminForm,
)
from surveys.models import RectificationCase, Survey, SurveyResult


class SurveysModelViewSet(PortalModelViewSet):
    """The performance domain's scoped viewset (a department editor's lists hold only their
    department's rows; another department's edit/delete/inspect/history URL is a 404). Survey
    data feeds no score yet, so the domain's recompute-after-save finds nothing to do."""


class QuestionsInlinePanel(InlinePanel):
    """The survey's questions inside its form, each narrowed to the editor's indicators."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = SurveyQuestionAdminForm
        # The question forms need the user to know which indicators are the editor's.
        formset["inherit_kwargs"] = ["for_user"]
        return options


def _request_departments(request):
    # Filter choices show only the departments the user may work with.
    if request is None:
        return Department.objects.none()
    return editable_departments(request.user)


def _request_surveys(request):
    if request is None:
        return Survey.objects.none()
    return Survey.objects.filter(department__in=editable_departments(request.user))


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
    """Rectification case filters: department, status, public."""

    department = django_filters.ModelChoiceFilter(
        queryset=_request_departments, label=_("Department")
    )

    class Meta:
        model = RectificationCase
        fields = ["department", "status", "public"]


class SurveyViewSet(SurveysModelViewSet):
    """Surveys and their questions, scoped to the editor's departments."""

    model = Survey
    icon = "form"
    menu_order = 100
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("department"), FieldPanel("slug")]),
            FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
            FieldPanel("description"),
            FieldPanel("indicator"),
            FieldRowPanel([FieldPanel("results_public"), FieldPanel("active")]),
            QuestionsInlinePanel(
                "questions",
                heading=_("Questions"),
                label=_("Question"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("text_en"),
                    FieldPanel("hint"),
                    FieldRowPanel(
                        [FieldPanel("kind"), FieldPanel("scale"), FieldPanel("required")]
                    ),
                    FieldPanel("options", widget=OptionLinesWidget()),
                    FieldRowPanel([FieldPanel("max_length"), FieldPanel("indicator")]),
                ],
            ),
        ],
        base_form_class=SurveyAdminForm,
    )
    list_display = [
        "title",
        "department",
        Column("services", label=_("Services"), accessor="service_names"),
        BooleanColumn("results_public", label=_("Results public")),
        BooleanColumn("active", label=_("Active")),
        Column(
            "question_count",
            label=_("Questions"),
            accessor="question_count",
            sort_key="question_count",
        ),
        UpdatedAtColumn(),
    ]
    list_annotations = {"question_count": Count("questions")}
    filterset_class = SurveyFilterSet
    search_fields = ["title", "title_en", "slug"]
    ordering = ["department__sort_order", "title"]
    list_select_related = ("department",)
    list_prefetch_related = ("services",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "department",
        "title",
        "title_en",
        "slug",
        "services",
        "opens_on",
        "closes_on",
        "description",
        "indicator",
        "results_public",
        "active",
        "created_at",
        "updated_at",
    ]


class SurveyResultViewSet(SurveysModelViewSet):
    """Monthly results of the editor's surveys."""

    model = SurveyResult
    icon = "table"
    menu_order = 200
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("survey"), FieldPanel("period")]),
            FieldRowPanel(
                [
                    FieldPanel("responses"),
                    FieldPanel("mean_score"),
                    FieldPanel("satisfied_share"),
                ]
            ),
            FieldPanel("source"),
            FieldPanel("note"),
        ],
        base_form_class=SurveyResultAdminForm,
    )
    list_display = [
        "__str__",
        Column(
            "department",
            label=_("Department"),
            accessor="survey.department",
            sort_key="survey__department__sort_order",
        ),
        Column(
            "period", label=_("Month"), accessor=lambda r: iso_month(r.period), sort_key="period"
        ),
        "responses",
        "mean_score",
        "satisfied_share",
        "source",
        UpdatedAtColumn(),
    ]
    filterset_class = SurveyResultFilterSet
    search_fields = ["survey__title", "note", "source"]
    ordering = ["-period", "survey__title"]
    list_select_related = ("survey__department",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "survey",
        "period",
        "responses",
        "mean_score",
        "satisfied_share",
        "source",
        "note",
        "updated_at",
    ]


class RectificationCaseViewSet(SurveysModelViewSet):
    """Rectification cases (整改案例) of the editor's departments."""

    model = RectificationCase
    icon = "clipboard-list"
    menu_order = 300
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("department"), FieldPanel("survey")]),
            FieldPanel("title"),
            FieldPanel("problem"),
            FieldPanel("measures"),
            FieldPanel("result"),
            FieldRowPanel(
                [FieldPanel("status"), FieldPanel("reported_on"), FieldPanel("resolved_on")]
            ),
            FieldPanel("public"),
        ],
        base_form_class=RectificationCaseAdminForm,
    )
    list_display = [
        "title",
        "department",
        "status",
        "reported_on",
        "resolved_on",
        BooleanColumn("public", label=_("Public")),
        UpdatedAtColumn(),
    ]
    filterset_class = RectificationCaseFilterSet
    search_fields = ["title", "problem", "measures", "result"]
    ordering = ["-reported_on"]
    list_select_related = ("department",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "department",
        "survey",
        "title",
        "problem",
        "measures",
        "result",
        "status",
        "reported_on",
        "resolved_on",
        "public",
        "created_at",
        "updated_at",
    ]


class SurveysViewSetGroup(ViewSetGroup):
    """The 满意度调查 menu: surveys, their monthly results and rectification cases."""

    menu_label = _("Satisfaction surveys")
    menu_icon = "form"
    menu_order = 160
    items = (
        SurveyViewSet("surveys_survey", url_prefix="surveys/surveys"),
        SurveyResultViewSet("surveys_result", url_prefix="surveys/results"),
        RectificationCaseViewSet("surveys_case", url_prefix="surveys/cases"),
    )
