"""Editors' admin: the 满意度调查 menu (services, surveys, responses, monthly results,
rectification cases), the invalidation's audit-log label and the overdue-cases dashboard panel;
the surveys panel of the public department page (``portal_department_panels``)."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

# Policies must be registered before any viewset (or view) asks the registry for them.
from surveys.permissions import register_policies

register_policies()

from portal.permissions import can_manage_all_departments  # noqa: E402
from surveys import admin_views  # noqa: E402
from surveys.permissions import rectification_case_policy  # noqa: E402
from surveys.viewsets import SurveysViewSetGroup  # noqa: E402

DASHBOARD_LIMIT = 10
CASE_ACTIONS = ("view", "change")


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return SurveysViewSetGroup()


@hooks.register("portal_department_panels")
def department_panel(request, department, cycle):
    # Imported here: the panel's module loads the survey models and templates on first use.
    from surveys.panels import department_panel as panel

    return panel(request, department, cycle)


hooks.register("register_log_actions", admin_views.register_log_actions)


class OverdueCasesPanel(Component):
    """Dashboard: rectification cases past their due date without an answer (差评整改 overdue),
    flagged to the department (its own cases) and to the city (every department's, with a
    count per department). Three queries however many cases there are."""

    name = "surveys_overdue_cases"
    template_name = "surveys/admin/overdue_cases_panel.html"
    order = 95

    def __init__(self, cases, *, city: bool):
        self.cases = cases
        self.city = city

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        overdue = self.cases.overdue(today)
        context = {
            "today": today,
            "city": self.city,
            "count": overdue.count(),
            "cases": list(
                overdue.select_related("department", "service").order_by("due_on", "pk")[
                    :DASHBOARD_LIMIT
                ]
            ),
            "limit": DASHBOARD_LIMIT,
            "per_department": [],
        }
        if self.city and context["count"]:
            context["per_department"] = list(
                overdue.values("department_id", "department__name")
                .annotate(count=Count("pk"))
                .order_by("-count", "department__sort_order", "department__name")
            )
        return context


@hooks.register("construct_homepage_panels")
def add_overdue_cases_panel(request, panels):
    user = request.user
    # Only who works on rectification cases: department editors and city administrators.
    if not rectification_case_policy.user_has_any_permission(user, CASE_ACTIONS):
        return
    cases = rectification_case_policy.instances_user_has_any_permission_for(user, CASE_ACTIONS)
    panels.append(OverdueCasesPanel(cases, city=can_manage_all_departments(user)))


@hooks.register("portal_demo_data")
def surveys_demo_data():
    # Imported here, when the demo is built, not by every process that looks up a hook.
    from portal.demo import DemoExtension
    from surveys import demo

    return DemoExtension("Surveys", build=demo.build, flush=demo.flush)
