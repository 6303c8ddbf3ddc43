"""The review workflow of reports: who drafts, who approves, who publishes.

A department editor (group ``部门报告编辑``) writes a report of their department and submits
it; they may not publish. The workflow ``报告审核`` on the report index then asks, in turn:

1. ``部门审核`` — a member of ``部门报告审核`` linked to the report's department (a
   ``DepartmentApprovalTask``: another department's reviewer cannot approve it); a city
   reviewer may approve this step too (a city-wide report has no department reviewer);
2. ``市级审核`` — a member of ``市级报告审核`` (Wagtail's ``GroupApprovalTask``), whose approval
   publishes the report (at its go-live date if one is set: ``manage.py publish_scheduled``).

City reviewers hold ``portal.manage_all_departments`` (every department's reports) and may
also publish or unpublish directly. ``ensure_review_workflow`` creates all of it and is
idempotent: it runs after every ``migrate`` (``post_migrate``) and when a report index is
created (the index must exist for the workflow to be assigned to it). An administrator may
rename the groups, add members or assign another workflow to the index in Wagtail's admin;
a later run adds what is missing and changes nothing an administrator chose.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, connections

DEPARTMENT_EDITORS = "部门报告编辑"
DEPARTMENT_REVIEWERS = "部门报告审核"
CITY_REVIEWERS = "市级报告审核"
WORKFLOW_NAME = "报告审核"
DEPARTMENT_TASK = "部门审核"
CITY_TASK = "市级审核"

# Page permissions on the report index (Wagtail's GroupPagePermission) of each group.
PAGE_PERMISSIONS = {
    DEPARTMENT_EDITORS: ("add_page", "change_page"),
    DEPARTMENT_REVIEWERS: (),  # the review task opens the editor for them
    CITY_REVIEWERS: ("add_page", "change_page", "publish_page"),
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_groups() -> dict[str, Group]:
    """The three groups with their model permissions (existing ones are kept)."""
    groups = {}
    for name in PAGE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        groups[name] = group
    groups[CITY_REVIEWERS].permissions.add(_permission("portal", "manage_all_departments"))
    return groups


def ensure_workflow(groups: dict[str, Group]):
    """The two review steps and the workflow that runs them (by name: an administrator's
    renamed copy is left alone and a new one made)."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from disclosure.models import DepartmentApprovalTask

    department_task, _ = DepartmentApprovalTask.objects.get_or_create(name=DEPARTMENT_TASK)
    department_task.groups.add(groups[DEPARTMENT_REVIEWERS], groups[CITY_REVIEWERS])
    city_task, _ = GroupApprovalTask.objects.get_or_create(name=CITY_TASK)
    city_task.groups.add(groups[CITY_REVIEWERS])
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        for order, task in enumerate((department_task, city_task)):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


def ensure_review_workflow(index=None) -> None:
    """Groups, tasks and workflow; assigned, with the groups' page permissions, to ``index``
    or to every report index (unless an index already has a workflow of its own)."""
    from wagtail.models import GroupPagePermission, WorkflowPage

    from disclosure.models import ReportIndexPage

    groups = ensure_groups()
    workflow = ensure_workflow(groups)
    indexes = [index] if index is not None else list(ReportIndexPage.objects.all())
    for page in indexes:
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
        for name, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page=page, permission=_permission("wagtailcore", codename)
                )


def after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` of this app: make sure the permissions it grants exist (their apps may
    come later in INSTALLED_APPS), then set the workflow up."""
    from disclosure.models import DepartmentApprovalTask

    tables = connections[using].introspection.table_names()
    if using != DEFAULT_DB_ALIAS or DepartmentApprovalTask._meta.db_table not in tables:
        return  # another database, or migrated back past the task's table
    for label in ("portal", "wagtailadmin", "wagtailcore"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    ensure_review_workflow()


def report_index_created(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new report index gets the review workflow at once."""
    if created and not raw:
        ensure_review_workflow(instance)
