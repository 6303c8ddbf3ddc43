"""Department-scoped Wagtail permission policies for the performance domain.

Editors see and change only what their department owns (DESIGN.md, non-negotiables): the Django
model permission (from a group) says *which actions* a user may take on a model, and the
department link (DepartmentEditor) says *on which rows*. City administrators (superusers or
holders of ``portal.manage_all_departments``) are not limited to rows.

The policies are registered with Wagtail's policy registry, so the generic admin views, the
actions (create/edit/delete) and the menu all ask the same object.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Goal,
    Indicator,
    Measurement,
    QualitativeReview,
    TargetAdjustment,
)
from portal.withdrawals import needs_withdrawal

ALL_ACTIONS = ("add", "change", "delete", "view")
# Cached on the user object for the request, like Django's own permission cache.
_DEPARTMENT_CACHE = "_portal_department_ids"


def can_manage_all_departments(user: AbstractBaseUser | AnonymousUser) -> bool:
    """City administrators (superusers or holders of the permission) see every department."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_perm("portal.manage_all_departments"))
    )


def user_department_ids(user) -> frozenset[int]:
    """Primary keys of the departments the user is linked to as an editor (one query, cached)."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _DEPARTMENT_CACHE, None)
    if cached is None:
        cached = frozenset(
            DepartmentEditor.objects.filter(user=user).values_list("department_id", flat=True)
        )
        setattr(user, _DEPARTMENT_CACHE, cached)
    return cached


def editable_departments(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Department]:
    """The departments whose goals, indicators and measurements this user may change."""
    if can_manage_all_departments(user):
        return Department.objects.all()
    if not user or not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(editor_links__user=user)


def user_can_manage_department(user, department: Department | int | None) -> bool:
    """May this user change what ``department`` (a department or its primary key) owns?
    City-level things (no department) are for city administrators only."""
    if can_manage_all_departments(user):
        return True
    if department is None:
        return False
    department_id = department if isinstance(department, int) else department.pk
    return department_id in user_department_ids(user)


def user_can_import(user) -> bool:
    """Measurement imports are for anyone who may edit some department's data."""
    return bool(user and user.is_authenticated and editable_departments(user).exists())


class DepartmentScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from groups, limited to rows of the editor's own departments."""

    #: Lookup path from the model to its Department, e.g. ``"goal__owner"``.
    department_path: str = ""
    #: Actions only city administrators may take (department editors never may).
    city_only_actions: frozenset[str] = frozenset()

    def __init__(self, model, department_path: str, city_only_actions=()):
        super().__init__(model)
        self.department_path = department_path
        self.city_only_actions = frozenset(city_only_actions)

    # --- model level ------------------------------------------------------------------------

    def user_has_permission(self, user, action):
        if not user or not user.is_active or not super().user_has_permission(user, action):
            return False
        if can_manage_all_departments(user):
            return True
        if action in self.city_only_actions:
            return False
        return bool(user_department_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    # --- instance level ---------------------------------------------------------------------

    def department_id_for(self, instance: Model) -> int | None:
        """The department owning ``instance`` (following foreign keys, saved or not)."""
        obj = instance
        *relations, last = self.department_path.split("__")
        for name in relations:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        if last == "pk":
            return obj.pk
        return getattr(obj, f"{last}_id", None)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if can_manage_all_departments(user):
            return True
        return self.department_id_for(instance) in user_department_ids(user)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        manager = self.model._default_manager
        if not self.user_has_any_permission(user, actions):
            return manager.none()
        if can_manage_all_departments(user):
            return manager.all()
        lookup = "pk__in" if self.department_path == "pk" else f"{self.department_path}__in"
        return manager.filter(**{lookup: user_department_ids(user)})

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        actions = [a for a in actions if a not in self.city_only_actions]
        city_admins = Q(is_superuser=True) | Q(
            user_permissions__codename="manage_all_departments",
            user_permissions__content_type__app_label="portal",
        )
        city_admins |= Q(
            groups__permissions__codename="manage_all_departments",
            groups__permissions__content_type__app_label="portal",
        )
        if not actions:
            return users.filter(city_admins).distinct()
        department_id = self.department_id_for(instance)
        return users.filter(
            city_admins | Q(department_links__department_id=department_id)
        ).distinct()


class CityOnlyPermissionPolicy(DepartmentScopedPermissionPolicy):
    """City-level data (cycles, reviews, editor links): city administrators only."""

    def __init__(self, model, department_path: str = ""):
        super().__init__(model, department_path, city_only_actions=ALL_ACTIONS)

    def department_id_for(self, instance):
        if not self.department_path:
            return None
        return super().department_id_for(instance)


# Department editors may look at their own department's record but never change it.
department_policy = DepartmentScopedPermissionPolicy(
    Department, "pk", city_only_actions=("add", "change", "delete")
)
goal_policy = DepartmentScopedPermissionPolicy(Goal, "owner")


class PublishedRecordPermissionPolicy(DepartmentScopedPermissionPolicy):
    """Indicators and figures: deleting one of a cycle published once is a public withdrawal
    that only a city administrator makes, with a reason (portal.withdrawals); a department
    corrects a figure or requests a target adjustment instead."""

    def user_has_permission_for_instance(self, user, action, instance):
        if (
            action == "delete"
            and not can_manage_all_departments(user)
            and needs_withdrawal(instance)
        ):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


indicator_policy = PublishedRecordPermissionPolicy(Indicator, "goal__owner")
measurement_policy = PublishedRecordPermissionPolicy(Measurement, "indicator__goal__owner")


class TargetAdjustmentPermissionPolicy(DepartmentScopedPermissionPolicy):
    """Target adjustments: whoever may change a department's indicators requests one for
    them (and sees their department's requests); only city administrators decide ("change");
    nobody deletes one, because the record is the public trace of the change."""

    def __init__(self):
        super().__init__(TargetAdjustment, "indicator__goal__owner", city_only_actions=("change",))

    def user_has_permission(self, user, action):
        if not user or not user.is_active or action == "delete":
            return False
        if action == "change":
            return can_manage_all_departments(user)
        # The indicator's permissions decide: a city needs no new group permission for this.
        wanted = ["change"] if action == "add" else ["view", "change"]
        return indicator_policy.user_has_any_permission(user, wanted)


cycle_policy = CityOnlyPermissionPolicy(Cycle)
review_policy = CityOnlyPermissionPolicy(QualitativeReview, "department")
department_editor_policy = CityOnlyPermissionPolicy(DepartmentEditor, "department")
adjustment_policy = TargetAdjustmentPermissionPolicy()

POLICIES = {
    Department: department_policy,
    Goal: goal_policy,
    Indicator: indicator_policy,
    Measurement: measurement_policy,
    Cycle: cycle_policy,
    QualitativeReview: review_policy,
    DepartmentEditor: department_editor_policy,
    TargetAdjustment: adjustment_policy,
}


def register_policies(policies: dict | None = None) -> None:
    """Register every policy (of this module, or ``policies``: another app's) with Wagtail
    (idempotent; must run before the viewsets register)."""
    for model, policy in (POLICIES if policies is None else policies).items():
        if policy_registry.get_by_type(model, fallback=False) is not policy:
            register_permission_policy(model, policy, exact_class=True)
