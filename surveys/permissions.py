"""Department-scoped permission policies for services, surveys, responses, results and cases.

The same rule as the performance domain (portal.permissions): the group's Django permissions
say which actions an editor may take, the DepartmentEditor link says on which rows. The
policies are registered with Wagtail's registry, so every generic admin view asks them.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from portal import permissions as portal_permissions
from portal.permissions import DepartmentScopedPermissionPolicy
from surveys.models import RectificationCase, Response, Service, Survey, SurveyResult

service_policy = DepartmentScopedPermissionPolicy(Service, "department")
survey_policy = DepartmentScopedPermissionPolicy(Survey, "department")
response_policy = DepartmentScopedPermissionPolicy(Response, "survey__department")
survey_result_policy = DepartmentScopedPermissionPolicy(SurveyResult, "survey__department")
rectification_case_policy = DepartmentScopedPermissionPolicy(RectificationCase, "department")

POLICIES = {
    Service: service_policy,
    Survey: survey_policy,
    Response: response_policy,
    SurveyResult: survey_result_policy,
    RectificationCase: rectification_case_policy,
}

# What department editors may do here; like their goals and measurements, no deleting.
# Questions are edited inside their survey, so the survey's permissions cover them.
# Residents' responses are never added or edited in the admin: "change" on a response is the
# right to invalidate it (with a reason), "view" to list, inspect and export them.
EDITOR_CODENAMES = (
    *(
        f"{action}_{model}"
        for model in ("service", "survey", "surveyresult", "rectificationcase")
        for action in ("add", "change", "view")
    ),
    "change_response",
    "view_response",
)


def register_policies() -> None:
    """Register these policies with Wagtail, as the domain registers its own."""
    portal_permissions.register_policies(POLICIES)


def grant_group_permissions(city_admins: Group, editors: Group) -> None:
    """Give the city administrators' group every survey permission and the department editors'
    group ``EDITOR_CODENAMES``, keeping the permissions the groups already have."""
    survey_permissions = Permission.objects.filter(content_type__app_label="surveys")
    city_admins.permissions.add(*survey_permissions)
    editors.permissions.add(*survey_permissions.filter(codename__in=EDITOR_CODENAMES))
