"""Admin screens of target adjustments (目标调整) and the performance menu that holds them.

A department editor requests an adjustment with a reason (the add view); a city administrator
approves or rejects it (the edit view is the decision screen: the request read-only and one
choice). Requests are never edited or deleted: they are the public trace of a change.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.actions import (
    AdjustmentError,
    approve_adjustment,
    reject_adjustment,
    request_adjustment,
)
from portal.admin_forms import TargetAdjustmentDecisionForm, TargetAdjustmentRequestForm
from portal.models import TargetAdjustment
from portal.viewsets import (
    CycleViewSet,
    DepartmentEditorViewSet,
    DepartmentViewSet,
    GoalViewSet,
    IndicatorViewSet,
    MeasurementViewSet,
    PortalModelViewSet,
    QualitativeReviewViewSet,
    ScopedCreateView,
    ScopedEditView,
)


class AdjustmentErrorsAsFormErrors:
    """An action's refusal (AdjustmentError) is shown on the form, nothing saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except AdjustmentError as error:
            form.add_error(None, str(error))
            self.produced_error_message = str(error)
            return self.form_invalid(form)


class AdjustmentRequestView(AdjustmentErrorsAsFormErrors, ScopedCreateView):
    """A department asks for an adjustment; nothing changes until it is approved."""

    def save_instance(self):
        data = self.form.cleaned_data
        return request_adjustment(
            data["indicator"],
            data["field"],
            data.get("new_value", ""),
            reason=data.get("reason", ""),
            effective_from=data["effective_from"],
            user=self.request.user,
        )


class AdjustmentDecisionView(AdjustmentErrorsAsFormErrors, ScopedEditView):
    """A city administrator approves (the change applies) or rejects a pending request."""

    def save_instance(self):
        if self.form.cleaned_data["decision"] == TargetAdjustmentDecisionForm.APPROVE:
            return approve_adjustment(self.object, self.request.user)
        return reject_adjustment(self.object, self.request.user)

    def get_success_message(self, instance=None):
        instance = instance or self.object
        if instance.state == TargetAdjustment.State.APPROVED:
            return _("Adjustment approved: %(object)s. Lights and scores are being recomputed.") % {
                "object": instance
            }
        return _("Adjustment rejected: %(object)s.") % {"object": instance}


def _values(adjustment: TargetAdjustment) -> str:
    return f"{adjustment.old_value or '—'} → {adjustment.new_value or '—'}"


class TargetAdjustmentViewSet(PortalModelViewSet):
    """Target adjustments: requested by departments, decided by city administrators."""

    model = TargetAdjustment
    icon = "history"
    menu_order = 450
    add_view_class = AdjustmentRequestView
    edit_view_class = AdjustmentDecisionView
    add_handler = ObjectList(
        [
            FieldPanel("indicator"),
            FieldRowPanel([FieldPanel("field"), FieldPanel("new_value")]),
            FieldPanel("effective_from"),
            FieldPanel("reason"),
        ],
        base_form_class=TargetAdjustmentRequestForm,
    )
    edit_handler = ObjectList(
        [
            FieldPanel("indicator", read_only=True),
            FieldRowPanel(
                [
                    FieldPanel("field", read_only=True),
                    FieldPanel("old_value", read_only=True),
                    FieldPanel("new_value", read_only=True),
                ]
            ),
            FieldPanel("effective_from", read_only=True),
            FieldPanel("reason", read_only=True),
            FieldPanel("decision"),
        ],
        base_form_class=TargetAdjustmentDecisionForm,
    )
    list_display = [
        "__str__",
        Column(
            "department",
            label=_("Department"),
            accessor="indicator.goal.owner",
            sort_key="indicator__goal__owner__sort_order",
        ),
        "field",
        Column("values", label=_("Original → adjusted"), accessor=_values),
        "effective_from",
        "state",
        "requested_at",
    ]
    list_filter = ["state", "field"]
    search_fields = ["indicator__code", "indicator__name", "reason"]
    ordering = ["-requested_at"]
    list_select_related = ("indicator__goal__owner",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "indicator",
        "field",
        "old_value",
        "new_value",
        "effective_from",
        "reason",
        "state",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]

    def get_add_view_kwargs(self, **kwargs):
        # The request form differs from the decision form (the edit view's).
        panel = self.add_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)


class PerformanceViewSetGroup(ViewSetGroup):
    """The 绩效管理 menu: every admin screen of the performance domain."""

    menu_label = _("Performance management")
    menu_icon = "tasks"
    menu_order = 150
    items = (
        GoalViewSet("portal_goal", url_prefix="performance/goals"),
        IndicatorViewSet("portal_indicator", url_prefix="performance/indicators"),
        TargetAdjustmentViewSet("portal_adjustment", url_prefix="performance/adjustments"),
        MeasurementViewSet("portal_measurement", url_prefix="performance/measurements"),
        DepartmentViewSet("portal_department", url_prefix="performance/departments"),
        CycleViewSet("portal_cycle", url_prefix="performance/cycles"),
        QualitativeReviewViewSet("portal_review", url_prefix="performance/reviews"),
        DepartmentEditorViewSet(
            "portal_department_editor", url_prefix="performance/department-editors"
        ),
    )
