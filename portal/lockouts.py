"""Settings → Login lockouts: a city administrator lifts a lock that django-axes set.

Each row is django-axes' record of failed sign-ins for one account and address
(``axes.AccessAttempt``, in the database); deleting it lifts the lock at once, and Wagtail's
audit log keeps who lifted it. Only city administrators see the screen: a department editor must
not read other people's account names and addresses.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from portal.permissions import can_manage_all_departments


class LockoutPermissionPolicy(ModelPermissionPolicy):
    """City administrators may list the records and delete them (lift a lock); nobody adds or
    edits one by hand."""

    allowed_actions = frozenset({"view", "delete"})

    def user_has_permission(self, user, action):
        return bool(
            user and user.is_active and action in self.allowed_actions
        ) and can_manage_all_departments(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not self.allowed_actions.intersection(actions):
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(actions)


lockout_policy = LockoutPermissionPolicy(AccessAttempt)
POLICIES = {AccessAttempt: lockout_policy}


class LockedColumn(BooleanColumn):
    """Whether the record has reached the failure limit."""

    def get_value(self, instance):
        return instance.failures_since_start >= settings.AXES_FAILURE_LIMIT


class LockoutViewSet(ModelViewSet):
    """Failed sign-ins per account and address; delete a row to lift its lock."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Login lockouts")
    name = "portal_lockouts"
    add_to_settings_menu = True
    form_fields = ["username"]
    list_filter = []
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    list_display = [
        Column("username", label=_("Account"), sort_key="username"),
        Column("ip_address", label=_("Address"), sort_key="ip_address"),
        Column("failures_since_start", label=_("Failed attempts")),
        LockedColumn("locked", label=_("Locked")),
        DateColumn("attempt_time", label=_("Last attempt"), sort_key="attempt_time"),
    ]
