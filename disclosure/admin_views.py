"""The admin screen that drafts a monthly report from the data (the button on the report
index): city administrators for the city or any department, a department editor for their
own department. It calls ``disclosure.actions.draft_monthly_report`` and opens the draft."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button

from disclosure.actions import (
    draft_monthly_report,
    may_draft_monthly_report,
    may_draft_some_monthly_report,
)
from disclosure.models import ReportIndexPage
from disclosure.monthly import MonthlyReportError
from portal.months import iso_month, parse_month_param, previous_month
from portal.permissions import can_manage_all_departments, editable_departments

URL_NAME = "disclosure_monthly_draft"


class MonthlyDraftForm(forms.Form):
    """The month and, for a department's report, the department."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("The month the report is about, e.g. 2026-10."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        empty_label=_("Whole city"),
        help_text=_("Leave empty for the city's report."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = editable_departments(user).order_by("sort_order", "name")
        if not can_manage_all_departments(user):
            field.required, field.empty_label = True, None
        self.user = user

    def clean_month(self):
        month = parse_month_param(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Enter a month like 2026-10."))
        return month

    def clean(self):
        cleaned = super().clean()
        if "department" in cleaned and not may_draft_monthly_report(
            self.user, cleaned["department"]
        ):
            raise forms.ValidationError(
                _("You can draft monthly reports only for your own department.")
            )
        return cleaned


class MonthlyDraftView(WagtailAdminTemplateMixin, FormView):
    """Draft (or update the draft of) a month's report, then open it in the editor."""

    form_class = MonthlyDraftForm
    template_name = "disclosure/admin/monthly_draft.html"
    page_title = _("Draft a monthly report")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_draft_some_monthly_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"month": iso_month(previous_month(timezone.localdate()))}

    def form_valid(self, form):
        month, department = form.cleaned_data["month"], form.cleaned_data["department"]
        try:
            result = draft_monthly_report(month, department=department, user=self.request.user)
        except MonthlyReportError as error:
            form.add_error("month", str(error))
            return self.form_invalid(form)
        report = result.report
        if result.created:
            messages.success(self.request, _("Drafted “%(title)s”.") % {"title": report.title})
        elif result.live:
            messages.warning(
                self.request,
                _(
                    "“%(title)s” is already published: its figures are now a new draft "
                    "revision; the published report is unchanged until it is approved."
                )
                % {"title": report.title},
            )
        else:
            messages.success(
                self.request,
                _("Updated the draft “%(title)s” with the current figures.")
                % {"title": report.title},
            )
        if result.review_cancelled:
            messages.warning(
                self.request,
                _("Its review was cancelled, as the figures changed: submit it again."),
            )
        return redirect("wagtailadmin_pages:edit", report.pk)


urlpatterns = [
    path(
        "disclosure/monthly-draft/",
        require_admin_access(MonthlyDraftView.as_view()),
        name=URL_NAME,
    )
]


def index_buttons(page, user, view_name=None, next_url=None):
    """The report index's "Draft a monthly report" button, for those who may."""
    if issubclass(page.specific_class or type(page), ReportIndexPage) and (
        may_draft_some_monthly_report(user)
    ):
        yield Button(
            _("Draft a monthly report"), reverse(URL_NAME), icon_name="doc-full", priority=12
        )
