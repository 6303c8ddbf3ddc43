"""The editors' workplace: admin screens for the performance domain, scoped to departments.

Every view reads its rows through the model's permission policy (portal.permissions), so a
department editor's lists hold only their department's goals, indicators and measurements, and
the edit/delete/inspect/history URLs of another department's object answer 404 (the object is
not even disclosed). Saving anything that feeds a score recomputes the affected cycle once, after
the transaction commits.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet

from portal.actions import record_measurement
from portal.admin_forms import (
    CycleAdminForm,
    GoalAdminForm,
    IndicatorAdminForm,
    MeasurementAdminForm,
    WithdrawalForm,
)
from portal.filters import (
    GoalFilterSet,
    IndicatorFilterSet,
    MeasurementFilterSet,
    QualitativeReviewFilterSet,
)
from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Goal,
    Indicator,
    Measurement,
    QualitativeReview,
)
from portal.months import iso_month
from portal.recompute import RecomputeMixin, affected_cycle_ids, schedule_recompute
from portal.withdrawals import needs_withdrawal, withdraw

LIST_ACTIONS = ["view", "change", "delete"]


# --- scoped generic views ----------------------------------------------------------------------


class ScopedQuerysetMixin:
    """Rows come from the permission policy: an editor's own department only."""

    scope_actions = LIST_ACTIONS
    select_related = ()

    def get_scoped_queryset(self):
        queryset = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, self.scope_actions
        )
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


class ScopedIndexView(ScopedQuerysetMixin, generic.IndexView):
    """Listing of the rows the user may see, with the related rows fetched in the same query."""

    annotations = None
    prefetch_related = ()

    def get_delete_url(self, instance):
        # No "Delete" on a row the user may not delete (a published indicator or figure, for
        # a department editor: portal.withdrawals).
        if self.user_has_permission_for_instance("delete", instance):
            return super().get_delete_url(instance)
        return None

    def get_base_queryset(self):
        queryset = self.get_scoped_queryset()
        if self.annotations:
            queryset = queryset.annotate(**self.annotations)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset


class ScopedCreateView(RecomputeMixin, generic.CreateView):
    """Create view; department scoping is enforced by the form's restricted choices."""


class ScopedEditView(ScopedQuerysetMixin, RecomputeMixin, generic.EditView):
    """Edit view that cannot load another department's object (404)."""

    scope_actions = ["change"]

    def get_queryset(self):
        return self.get_scoped_queryset()


class ScopedDeleteView(ScopedQuerysetMixin, generic.DeleteView):
    """Delete view that cannot load another department's object (404). Deleting an indicator
    or figure of a cycle published once is a withdrawal (portal.withdrawals): refused to
    department editors, and a city administrator gives the reason that is published."""

    scope_actions = ["delete"]
    withdrawal_template_name = "portal/admin/confirm_withdrawal.html"

    def get_queryset(self):
        return self.get_scoped_queryset()

    @cached_property
    def is_withdrawal(self) -> bool:
        return needs_withdrawal(self.object)

    def dispatch(self, request, *args, **kwargs):
        if self.is_withdrawal and not self.user_has_permission_for_instance("delete", self.object):
            messages.error(
                request,
                _(
                    "'%(object)s' belongs to a published cycle: it stays on record. Correct a "
                    "figure with a reason, or request a target adjustment; only a city "
                    "administrator can withdraw it, with a reason that is published."
                )
                % {"object": self.object},
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return WithdrawalForm if self.is_withdrawal else super().get_form_class()

    def get_template_names(self):
        if self.is_withdrawal:
            return [self.withdrawal_template_name]
        return super().get_template_names()

    def form_valid(self, form):
        self.reason = form.cleaned_data.get("reason", "")
        return super().form_valid(form)

    def delete_action(self):
        cycle_ids = set() if isinstance(self.object, Cycle) else affected_cycle_ids(self.object)
        with transaction.atomic():
            if self.is_withdrawal:
                withdraw(self.object, self.request.user, self.reason)
            super().delete_action()
        schedule_recompute(cycle_ids)


class ScopedInspectView(ScopedQuerysetMixin, generic.InspectView):
    """Inspect view limited to objects the user may see, its times in the city's time zone."""

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_scoped_queryset(), pk=self.pk)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # Wagtail's inspect template prints ``value|localize``, and a filter that does not ask
        # for local time receives the stored UTC time: 20:30 for a change at 04:30 in the city.
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value


class ScopedHistoryView(ScopedQuerysetMixin, history.HistoryView):
    """Change history (the audit log of one object) limited to objects the user may see."""

    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


class ScopedUsageView(ScopedQuerysetMixin, usage.UsageView):
    """Usage listing limited to objects the user may see."""

    def get_base_object_queryset(self):
        return self.get_scoped_queryset()


# --- columns -----------------------------------------------------------------------------------


class TrafficLightColumn(Column):
    """The 红黄绿灯 status as a coloured tag that also says its name (colour is not enough)."""

    cell_template_name = "portal/admin/status_cell.html"

    def __init__(self, name="status", **kwargs):
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status"] = getattr(instance, self.name)
        context["value"] = getattr(instance, f"get_{self.name}_display")()
        return context


def _latest_value(indicator: Indicator) -> str:
    if indicator.latest_value is None:
        return ""
    return f"{indicator.latest_value.normalize():f} {indicator.unit}".strip()


# --- viewsets ----------------------------------------------------------------------------------


class PortalModelViewSet(ModelViewSet):
    """A domain viewset: scoped views, no copying, recompute after saves."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    # Copies would bypass the checks that matter for measurements (history) and duplicate codes.
    copy_view_enabled = False
    add_to_admin_menu = False
    # Plain ORM search: these models are not in a Wagtail search index.
    search_backend_name = None
    list_per_page = 50
    list_select_related: tuple[str, ...] = ()
    list_annotations: dict | None = None
    list_prefetch_related: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(select_related=self.list_select_related, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            annotations=self.list_annotations,
            prefetch_related=self.list_prefetch_related,
            **kwargs,
        )


class DepartmentViewSet(PortalModelViewSet):
    """Departments: city administrators manage them; editors may look at their own."""

    model = Department
    icon = "site"
    menu_order = 100
    list_display = ["name", "short_name", "category", "active", "sort_order"]
    list_filter = ["category", "active"]
    search_fields = ["name", "short_name", "name_en", "slug"]
    ordering = ["sort_order", "name"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "short_name",
        "name_en",
        "slug",
        "category",
        "description",
        "contact_phone",
        "contact_email",
        "address",
        "active",
    ]


class CycleViewSet(PortalModelViewSet):
    """Evaluation cycles with their scoring scheme (city administrators only)."""

    model = Cycle
    icon = "calendar"
    menu_order = 200
    list_display = [
        "__str__",
        "year",
        "start_date",
        "end_date",
        "weight_goals",
        "weight_satisfaction",
        "weight_qualitative",
        "published",
        "closed",
    ]
    list_filter = ["published", "closed"]
    search_fields = ["name"]
    ordering = ["-year"]
    edit_handler = ObjectList(
        [*Cycle.panels, FieldPanel("publication_reason")], base_form_class=CycleAdminForm
    )


class GoalViewSet(PortalModelViewSet):
    """Goals, scoped to the editor's departments."""

    model = Goal
    icon = "crosshairs"
    menu_order = 300
    edit_handler = ObjectList(Goal.panels, base_form_class=GoalAdminForm)
    list_display = [
        "code",
        "title",
        "owner",
        "cycle",
        "level",
        TrafficLightColumn(),
        UpdatedAtColumn(),
    ]
    filterset_class = GoalFilterSet
    search_fields = ["code", "title", "source"]
    ordering = ["-cycle__year", "code"]
    list_select_related = ("owner", "cycle")
    inspect_view_enabled = True
    inspect_view_fields = [
        "cycle",
        "code",
        "title",
        "level",
        "parent",
        "owner",
        "co_departments",
        "source",
        "deadline",
        "measure",
        "target_statement",
        "status",
    ]


class IndicatorViewSet(PortalModelViewSet):
    """Indicators with their latest value and status, scoped to the editor's departments."""

    model = Indicator
    icon = "tasks"
    menu_order = 400
    edit_handler = ObjectList(Indicator.panels, base_form_class=IndicatorAdminForm)
    list_display = [
        "code",
        "name",
        Column(
            "department",
            label=_("Department"),
            accessor="goal.owner",
            sort_key="goal__owner__sort_order",
        ),
        Column("cycle", label=_("Cycle"), accessor="goal.cycle", sort_key="goal__cycle__year"),
        "dimension",
        Column("latest_value", label=_("Latest value"), accessor=_latest_value),
        Column(
            "latest_period",
            label=_("Latest month"),
            accessor=lambda i: iso_month(i.latest_period),
            sort_key="latest_period",
        ),
        TrafficLightColumn(),
    ]
    filterset_class = IndicatorFilterSet
    search_fields = ["code", "name", "goal__code", "goal__title"]
    ordering = ["goal__code", "sort_order", "code"]
    list_select_related = ("goal__owner", "goal__cycle")
    inspect_view_enabled = True
    inspect_view_fields = [
        "goal",
        "code",
        "name",
        "dimension",
        "unit",
        "baseline",
        "target",
        "direction",
        "weight",
        "frequency",
        "data_source",
        "source_description",
        "methodology",
        "status",
    ]


class MeasurementCreateView(ScopedCreateView):
    """A first value for a month, written through record_measurement (which logs it)."""

    def save_instance(self):
        data = self.form.cleaned_data
        measurement, _outcome = record_measurement(
            data["indicator"],
            data["period"],
            data["value"],
            user=self.request.user,
            note=data.get("note", ""),
            source=data.get("source", ""),
        )
        schedule_recompute(affected_cycle_ids(measurement))
        return measurement


class MeasurementEditView(ScopedEditView):
    """Corrections go through record_measurement: old value, who, when and why are kept."""

    def save_instance(self):
        data = self.form.cleaned_data
        # The indicator and month are disabled fields: they come from the stored row.
        measurement, _outcome = record_measurement(
            self.object.indicator,
            self.object.period,
            data["value"],
            user=self.request.user,
            note=data.get("note", ""),
            source=data.get("source", ""),
            reason=(data.get("reason") or "").strip(),
        )
        schedule_recompute(affected_cycle_ids(measurement))
        return measurement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["corrections"] = self.object.corrections.select_related("corrected_by")
        return context


class MeasurementInspectView(ScopedInspectView):
    """A measurement with its full correction history."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["corrections"] = self.object.corrections.select_related("corrected_by")
        return context


class MeasurementViewSet(PortalModelViewSet):
    """Monthly values, scoped to the editor's departments, corrected with a reason."""

    model = Measurement
    icon = "table"
    menu_order = 500
    add_view_class = MeasurementCreateView
    edit_view_class = MeasurementEditView
    inspect_view_class = MeasurementInspectView
    edit_template_name = "portal/admin/measurement_edit.html"
    inspect_template_name = "portal/admin/measurement_inspect.html"
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("indicator"), FieldPanel("period")]),
            FieldPanel("value"),
            FieldPanel("reason"),
            FieldPanel("note"),
            FieldPanel("source"),
        ],
        base_form_class=MeasurementAdminForm,
    )
    list_display = [
        "__str__",
        Column(
            "indicator",
            label=_("Indicator"),
            accessor=lambda m: m.indicator.name,
            sort_key="indicator__code",
        ),
        Column(
            "department",
            label=_("Department"),
            accessor="indicator.goal.owner",
            sort_key="indicator__goal__owner__sort_order",
        ),
        Column(
            "period", label=_("Month"), accessor=lambda m: iso_month(m.period), sort_key="period"
        ),
        "value",
        Column(
            "correction_count",
            label=_("Corrections"),
            accessor="correction_count",
            sort_key="correction_count",
        ),
        "entered_by",
        UpdatedAtColumn(),
    ]
    list_annotations = {"correction_count": Count("corrections")}
    filterset_class = MeasurementFilterSet
    search_fields = ["indicator__code", "indicator__name", "note", "source"]
    ordering = ["-period", "indicator__code"]
    list_select_related = ("indicator__goal__owner", "indicator__goal__cycle", "entered_by")
    inspect_view_enabled = True
    inspect_view_fields = [
        "indicator",
        "period",
        "value",
        "note",
        "source",
        "entered_by",
        "entered_at",
        "updated_at",
    ]


class QualitativeReviewViewSet(PortalModelViewSet):
    """Qualitative review scores (定性评价): city administrators only."""

    model = QualitativeReview
    icon = "clipboard-list"
    menu_order = 600
    list_display = ["__str__", "department", "cycle", "score", UpdatedAtColumn()]
    filterset_class = QualitativeReviewFilterSet
    search_fields = ["department__name", "note"]
    ordering = ["-cycle__year", "department__sort_order"]
    list_select_related = ("department", "cycle")


class DepartmentEditorViewSet(PortalModelViewSet):
    """Which account edits which department: city administrators only."""

    model = DepartmentEditor
    icon = "key"
    menu_order = 700
    form_fields = ["user", "department"]
    list_display = ["__str__", "user", "department", UpdatedAtColumn()]
    list_filter = ["department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    ordering = ["department__sort_order", "user__username"]
    list_select_related = ("user", "department")
