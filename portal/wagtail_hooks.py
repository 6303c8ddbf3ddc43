"""Editors' admin: viewsets for the domain, the dashboard panel, the import screen."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

# Policies must be registered before any viewset (or view) asks the registry for them.
from portal import interface_admin, lockouts
from portal.permissions import register_policies

register_policies()
register_policies(lockouts.POLICIES)
register_policies(interface_admin.POLICIES)

from portal import home, import_views, withdrawals  # noqa: E402
from portal.actions import ADJUSTMENT_APPROVED, ADJUSTMENT_REJECTED  # noqa: E402
from portal.adjustment_views import PerformanceViewSetGroup  # noqa: E402
from portal.models import Indicator, Status  # noqa: E402
from portal.months import previous_month  # noqa: E402
from portal.permissions import editable_departments  # noqa: E402

DASHBOARD_LIMIT = 10


@hooks.register("register_admin_viewset")
def register_performance_viewsets():
    return PerformanceViewSetGroup()


@hooks.register("register_admin_viewset")
def register_data_interface_viewsets():
    return interface_admin.DataInterfacesViewSetGroup()


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    return lockouts.LockoutViewSet()


# The measurement import screen: upload → preview → confirm (portal/import_views.py).
@hooks.register("register_admin_urls")
def register_import_urls():
    return import_views.urlpatterns


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return import_views.menu_item()


hooks.register("register_log_actions", import_views.register_import_log_actions)


@hooks.register("register_log_actions")
def register_adjustment_log_actions(actions):
    actions.register_action(ADJUSTMENT_APPROVED, _("Approve target adjustment"), _("Approved"))
    actions.register_action(ADJUSTMENT_REJECTED, _("Reject target adjustment"), _("Rejected"))


@hooks.register("register_log_actions")
def register_withdrawal_log_actions(actions):
    for action, label in (
        (withdrawals.INDICATOR_WITHDRAWN, _("Withdraw a published indicator")),
        (withdrawals.MEASUREMENT_WITHDRAWN, _("Withdraw a published figure")),
        (withdrawals.CYCLE_UNPUBLISHED, _("Take a published cycle off the site")),
        (withdrawals.CYCLE_REPUBLISHED, _("Publish a cycle again")),
    ):
        actions.register_action(action, label, label)


# The public home page's figures (HomePage.get_context asks this hook; portal.home reads the
# domain's models, which the page model's module must not import: no import cycle).
hooks.register("portal_home_context", home.home_context)


class DepartmentWorkPanel(Component):
    """Dashboard: the editor's indicators still lacking last month's value, and the red ones."""

    name = "portal_department_work"
    template_name = "portal/admin/dashboard_panel.html"
    order = 90

    def __init__(self, departments):
        self.departments = departments

    def get_context_data(self, parent_context):
        month = previous_month(timezone.localdate())
        indicators = Indicator.objects.filter(goal__owner__in=self.departments).select_related(
            "goal__owner"
        )
        # Only monthly indicators of the cycle that contains last month are due every month.
        missing = (
            indicators.filter(
                frequency=Indicator.Frequency.MONTHLY,
                goal__cycle__start_date__lte=month,
                goal__cycle__end_date__gte=month,
            )
            .exclude(measurements__period=month)
            .order_by("goal__owner__sort_order", "code")
        )
        lagging = indicators.filter(status=Status.RED).order_by(
            "-goal__cycle__year", "goal__owner__sort_order", "code"
        )
        return {
            "month": month,
            "missing": list(missing[:DASHBOARD_LIMIT]),
            "missing_count": missing.count(),
            "lagging": list(lagging[:DASHBOARD_LIMIT]),
            "lagging_count": lagging.count(),
            "limit": DASHBOARD_LIMIT,
        }


# The traffic-light tags in admin listings; the text says the status, colour only reinforces it.
STATUS_CSS = """
.portal-status { border: 1px solid currentColor; }
.portal-status--green { color: #0b6b2e; }
.portal-status--yellow { color: #7a5200; }
.portal-status--red { color: #b3261e; font-weight: 700; }
.portal-status--none, .portal-status--not_started { color: #555; }
"""


@hooks.register("insert_global_admin_css")
def portal_status_css():
    return format_html("<style>{}</style>", mark_safe(STATUS_CSS))


@hooks.register("construct_homepage_panels")
def add_department_work_panel(request, panels):
    departments = editable_departments(request.user)
    # Accounts without a department (e.g. report writers) have nothing to report here.
    if departments.exists():
        panels.append(DepartmentWorkPanel(departments))
