"""Admin screens of the data interfaces (数据接口): API tokens and pull sources.

Only city administrators see them: a token writes a department's figures, so creating one is a
city decision, and a department editor must not read (or revoke) another system's token. A new
token is shown once, on the page that answers its creation (never stored, never in a message
or the session); afterwards only its prefix is shown. A token is revoked, not deleted, so its
name and last use stay with the audit log entries of the batches it sent.
"""

from __future__ import annotations

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from portal import tokens
from portal.models import ApiToken, DataSource
from portal.permissions import can_manage_all_departments


class CityAdministratorPolicy(ModelPermissionPolicy):
    """City administrators only, whatever their groups' model permissions; ``allowed_actions``
    limits even them (a token is revoked, never deleted)."""

    def __init__(self, model, allowed_actions=("add", "change", "delete", "view")):
        super().__init__(model)
        self.allowed_actions = frozenset(allowed_actions)

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


POLICIES = {
    ApiToken: CityAdministratorPolicy(ApiToken, ("add", "change", "view")),
    DataSource: CityAdministratorPolicy(DataSource),
}


class ApiTokenEditForm(WagtailAdminModelForm):
    """Rename a token, or revoke it (for good: a revoked token cannot be restored)."""

    revoke = forms.BooleanField(
        label=_("Revoke this token"),
        required=False,
        help_text=_(
            "The system using it is refused from its next request. This cannot be undone: "
            "create a new token if the system needs one again."
        ),
    )

    class Meta:
        model = ApiToken
        fields = ["name"]

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            tokens.revoke(self.instance)
        return super().save(commit=commit)


class ApiTokenCreateView(generic.CreateView):
    """Creates the token and answers with it, once."""

    created_template_name = "portal/admin/api_token_created.html"

    def save_instance(self):
        self.secret = tokens.set_secret(self.form.instance)
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def save_action(self):
        # Wagtail's admin views are never cached (no-store), so the page is not kept either.
        return TemplateResponse(
            self.request,
            self.created_template_name,
            {
                **self.get_context_data(form=self.form),
                "api_token": self.object,
                "secret": self.secret,
                "index_url": self.get_success_url(),
            },
        )


def _state(api_token: ApiToken) -> str:
    return _("active") if api_token.active else _("revoked")


class ApiTokenViewSet(ModelViewSet):
    """Departments' systems' tokens for the push API."""

    model = ApiToken
    icon = "key"
    menu_label = _("API tokens")
    menu_order = 100
    add_view_class = ApiTokenCreateView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    add_handler = ObjectList([FieldPanel("name"), FieldPanel("department")])
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("department", read_only=True), FieldPanel("revoke")],
        base_form_class=ApiTokenEditForm,
    )
    list_display = [
        "name",
        "department",
        Column("prefix", label=_("Token begins with")),
        Column("state", label=_("State"), accessor=_state),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
        DateColumn("last_used_at", label=_("Last used"), sort_key="last_used_at"),
        DateColumn("revoked_at", label=_("Revoked"), sort_key="revoked_at"),
    ]
    list_filter = ["department"]
    search_fields = ["name", "prefix", "department__name"]
    ordering = ["department__sort_order", "name"]
    inspect_view_fields = [
        "name",
        "department",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]

    def get_add_view_kwargs(self, **kwargs):
        panel = self.add_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)


class DataSourceViewSet(ModelViewSet):
    """Departments' files that ``manage.py pull_department_data`` fetches and imports."""

    model = DataSource
    icon = "download"
    menu_label = _("Data sources")
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    list_display = [
        "name",
        "department",
        "url",
        "active",
        DateColumn("last_success_at", label=_("Last success"), sort_key="last_success_at"),
        DateColumn("last_failure_at", label=_("Last failure"), sort_key="last_failure_at"),
        Column("last_message", label=_("Last result")),
    ]
    list_filter = ["department", "active"]
    search_fields = ["name", "url", "department__name"]
    ordering = ["department__sort_order", "name"]
    inspect_view_fields = [
        "name",
        "department",
        "url",
        "format",
        "active",
        "last_success_at",
        "last_failure_at",
        "last_message",
    ]


class DataInterfacesViewSetGroup(ViewSetGroup):
    """The 数据接口 menu: how departments' systems send data (city administrators only)."""

    menu_label = _("Data interfaces")
    menu_icon = "link"
    menu_order = 160
    items = (
        ApiTokenViewSet("portal_api_token", url_prefix="data-interfaces/tokens"),
        DataSourceViewSet("portal_data_source", url_prefix="data-interfaces/sources"),
    )
