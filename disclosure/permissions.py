"""Department editors write only their own department's reports.

Wagtail's page permissions (from groups, on the report index) say *which actions* a user may
take on reports; this tester adds *which reports*: a department editor may edit, publish,
delete, move, lock or view the history of a report only if it belongs to one of their
departments. City-wide reports (no department) are for city administrators. The report form
offers an editor only their own departments (``ReportAdminForm``), only city administrators
manage the index page itself (``ReportIndexPermissionTester``), and the admin's page lists
(explorer, page search, chooser, admin API, site history) leave out other departments' reports
(``DepartmentPagePermissionPolicy``, registered for pages with Wagtail's policy registry, and the
hooks in ``wagtail_hooks.py``; docs/decisions/0005-report-page-permission-policy.md).

The models import this module (the testers, the form); this module finds the report model
through the app registry, so the app has no import cycle.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from portal.permissions import (
    can_manage_all_departments,
    editable_departments,
    user_can_manage_department,
    user_department_ids,
)

GUARDED = (
    "can_edit",
    "can_delete",
    "can_unpublish",
    "can_publish",
    "can_submit_for_moderation",
    "can_set_view_restrictions",
    "can_unschedule",
    "can_lock",
    "can_unlock",
    "can_move",
    "can_copy",
    "can_view_revisions",
)


def _report_model():
    return apps.get_model("disclosure", "ReportPage")


def stored_department_id(page) -> int | None:
    """The department of the report as saved, whatever version of it ``page`` is (Wagtail
    hands the tester a revision's copy when reverting to it)."""
    if not page.pk:
        return None
    reports = _report_model().objects.filter(pk=page.pk)
    return reports.values_list("department_id", flat=True).first()


class ReportPermissionTester(PagePermissionTester):
    """Wagtail's tester, and the report must be of one of the user's departments — both the
    version being acted on and the report as stored (so reverting to an old revision of another
    department's report, or one that was reassigned, is refused)."""

    def _owned(self) -> bool:
        owned = getattr(self, "_owned_cache", None)
        if owned is None:
            owned = can_manage_all_departments(self.user) or (
                user_can_manage_department(self.user, self.page.department_id)
                and (
                    not self.page.pk
                    or user_can_manage_department(self.user, stored_department_id(self.page))
                )
            )
            self._owned_cache = owned
        return owned


def _also_requiring(check: str, name: str):
    """Wagtail's ``name`` test, and the tester's own ``check`` as well."""
    inherited = getattr(PagePermissionTester, name)

    def method(self, *args, **kwargs):
        return getattr(self, check)() and inherited(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = inherited.__doc__
    return method


for _name in GUARDED:
    setattr(ReportPermissionTester, _name, _also_requiring("_owned", _name))


class ReportIndexPermissionTester(PagePermissionTester):
    """The report index is the city's page: department editors may add reports under it (and
    publish them, if their group may), but only city administrators may edit, unpublish,
    restrict, move, copy, lock or delete the index itself."""

    def _city(self) -> bool:
        return can_manage_all_departments(self.user)


for _name in (*GUARDED, "can_reorder_children"):
    setattr(ReportIndexPermissionTester, _name, _also_requiring("_city", _name))


class ReportAdminForm(WagtailAdminPageForm):
    """The department field lists only the departments the editor may write for; a department
    editor cannot save a city-wide report."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("department")
        if field is not None and for_user is not None:
            field.queryset = editable_departments(for_user).order_by("sort_order", "name")
            if not can_manage_all_departments(for_user):
                field.required = True
                field.empty_label = None

    def clean_department(self):
        department = self.cleaned_data.get("department")
        user = self.for_user
        if user is None or can_manage_all_departments(user):
            return department
        stored = stored_department_id(self.instance) if self.instance.pk else None
        if not user_can_manage_department(user, department) or (
            self.instance.pk and not user_can_manage_department(user, stored)
        ):
            raise forms.ValidationError(_("You can publish reports only for your own department."))
        return department


# --- review: a department's reviewers approve only that department's reports -------------------


def may_review_report(task, page, user) -> bool:
    """May ``user`` act on ``task`` (a ``DepartmentApprovalTask``) for ``page``: a member of
    the task's groups (or a superuser) who manages the report's department, both as this
    version says and as stored; a city-wide report, or a page that is no report, only city
    administrators. ``page`` may be the report or its generic ``Page``."""
    if not user or not user.is_active or not (user.is_superuser or task._user_in_groups(user)):
        return False
    if can_manage_all_departments(user):
        return True
    stored = stored_department_id(page)
    # Wagtail's workflow views hand the task the generic Page, which has no department.
    department_id = getattr(page, "department_id", stored)
    return user_can_manage_department(user, department_id) and (
        not page.pk or user_can_manage_department(user, stored)
    )


def reports_reviewable_by(user, task_states):
    """``task_states`` narrowed to the reports of the user's own departments (all of them for
    city administrators): the dashboard's "awaiting your review" list."""
    if can_manage_all_departments(user):
        return task_states
    own = _report_model().objects.filter(department_id__in=user_department_ids(user))
    return task_states.filter(
        workflow_state__object_id__in=[str(pk) for pk in own.values_list("pk", flat=True)]
    )


# --- what a department editor may see in the admin's page lists --------------------------------


def hidden_report_ids(user):
    """Reports a department editor may not see in the admin (other departments' and the
    city's), as a subquery of primary keys; None for city administrators and anonymous users."""
    if not user or not user.is_authenticated or can_manage_all_departments(user):
        return None
    return _report_model().objects.exclude(department_id__in=user_department_ids(user)).values("pk")


class DepartmentPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, minus other departments' reports for department editors: the
    explorer, the page search, the admin API, site history and bulk actions all ask this
    policy which pages a user may explore, so none of them lists another department's draft."""

    def _narrow(self, user, pages):
        hidden = hidden_report_ids(user)
        return pages if hidden is None else pages.exclude(pk__in=hidden)

    def explorable_instances(self, user):
        return self._narrow(user, super().explorable_instances(user))

    def instances_user_has_any_permission_for(self, user, actions):
        return self._narrow(user, super().instances_user_has_any_permission_for(user, actions))


def register_page_permission_policy() -> None:
    """Register ``DepartmentPagePermissionPolicy`` for ``Page`` with Wagtail's policy registry
    (idempotent). Every page lookup in Wagtail's admin asks the registry
    (``policy_registry.get_by_type(Page)``), and the registry resolves a class by its nearest
    registered ancestor, so this one registration serves ``Page`` and every page type; Wagtail's
    own policy stays registered for ``AbstractPage``. Called from the app's ``ready()``."""
    if not isinstance(
        policy_registry.get_by_type(Page, fallback=False), DepartmentPagePermissionPolicy
    ):
        register_permission_policy(Page, DepartmentPagePermissionPolicy())
