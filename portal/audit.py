"""The audit log a department editor may read: their own department's entries only.

Wagtail's site history report (Reports → Site history, and its CSV/XLSX export) shows a model's
log entries to anyone holding some permission on that model, whatever the row: a department
editor read every department's goal, indicator and measurement changes, with the names of the
other departments' editors. Here the report keeps Wagtail's rule and adds the department rule of
``portal.permissions`` (DESIGN.md: editors see only what their department owns):

* an entry about an object under a department-scoped permission policy (goals, indicators,
  measurements, departments, and every app's policy built on ``DepartmentScopedPermissionPolicy``,
  e.g. surveys and cases) is shown when the policy lets the editor at that object today;
* an entry about anything else (city-only data such as cycles, where an import is logged;
  images, documents) is shown when it was written by the editor or a colleague of one of their
  departments.

Pages keep Wagtail's rule, which asks the page permission policy (``disclosure.permissions``
narrows it to the editor's own department's reports). City administrators see everything.
Wagtail offers no hook to narrow the report, so ``portal.urls`` serves this subclass at the
report's own address, ahead of Wagtail's admin URLs.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from portal.models import DepartmentEditor
from portal.permissions import (
    ALL_ACTIONS,
    CityOnlyPermissionPolicy,
    DepartmentScopedPermissionPolicy,
    can_manage_all_departments,
    user_department_ids,
)


def _colleague_ids(user) -> QuerySet:
    """The user and every editor of one of the user's departments, as a subquery."""
    colleagues = DepartmentEditor.objects.filter(department_id__in=user_department_ids(user))
    return (
        get_user_model()
        .objects.filter(Q(pk=user.pk) | Q(pk__in=colleagues.values("user_id")))
        .values("pk")
    )


def scope_log_entries(user, entries: QuerySet) -> QuerySet:
    """``entries`` (model log entries Wagtail lets ``user`` see) narrowed to the user's own
    departments' entries; unchanged for city administrators and for page log entries."""
    if can_manage_all_departments(user) or not issubclass(entries.model, ModelLogEntry):
        return entries
    visible = Q(pk__in=[])
    by_colleagues = []
    content_type_ids = entries.order_by().values_list("content_type_id", flat=True).distinct()
    for content_type_id in content_type_ids:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        policy = policy_registry.get_by_type(model) if model is not None else None
        if isinstance(policy, DepartmentScopedPermissionPolicy) and not isinstance(
            policy, CityOnlyPermissionPolicy
        ):
            owned = (
                policy.instances_user_has_any_permission_for(user, ALL_ACTIONS)
                .order_by()
                .annotate(object_key=Cast("pk", CharField()))
                .values("object_key")
            )
            visible |= Q(content_type_id=content_type_id, object_id__in=owned)
        else:
            by_colleagues.append(content_type_id)
    if by_colleagues:
        visible |= Q(content_type_id__in=by_colleagues, user_id__in=_colleague_ids(user))
    return entries.filter(visible)


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The report's filters, whose user list names only the people in entries the user sees."""

    def get_user_choices(self):
        user = self.request.user
        user_ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            entries = scope_log_entries(user, log_model.objects.viewable_by_user(user))
            user_ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class ScopedLogEntriesView(LogEntriesView):
    """Wagtail's site history report and its CSV/XLSX export, department-scoped."""

    filterset_class = ScopedSiteHistoryFilterSet

    def filter_queryset(self, queryset):
        # Wagtail calls this once per log model, on that model's entries the user may see.
        return super().filter_queryset(scope_log_entries(self.request.user, queryset))
