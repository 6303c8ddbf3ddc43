"""Admin forms that keep department editors inside their own department, server-side.

Restricting a ModelChoiceField's queryset is the validation: a posted primary key outside it is
"not one of the available choices", so a crafted POST cannot attach a goal, indicator or
measurement to another department (DESIGN.md: editors change only what their department owns).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.models import Goal, Indicator
from portal.permissions import can_manage_all_departments, editable_departments


class DepartmentScopedAdminForm(WagtailAdminModelForm):
    """Base form: narrows department-owned choice fields to the user's departments."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        # Without a user (programmatic use) there is nobody to scope to; the views always pass one.
        if user is None or can_manage_all_departments(user):
            return
        self.restrict_choices(editable_departments(user))

    def restrict_choices(self, departments) -> None:
        """Narrow this form's choice fields to ``departments`` (a queryset)."""

    def _narrow(self, field_name: str, queryset) -> None:
        field = self.fields.get(field_name)
        if field is not None:
            field.queryset = queryset
            # One department: pick it for the editor on a new object.
            if not self.instance.pk and field_name not in self.initial:
                choices = list(queryset[:2])
                if len(choices) == 1:
                    self.initial[field_name] = choices[0].pk


class GoalAdminForm(DepartmentScopedAdminForm):
    """Goal form: the lead department must be one the editor works for."""

    def restrict_choices(self, departments) -> None:
        self._narrow("owner", departments)


class IndicatorAdminForm(DepartmentScopedAdminForm):
    """Indicator form: only goals led by the editor's departments."""

    def restrict_choices(self, departments) -> None:
        self._narrow("goal", Goal.objects.filter(owner__in=departments))


class MeasurementAdminForm(DepartmentScopedAdminForm):
    """Measurement form: own indicators only, one month per value, a reason for any correction."""

    reason = forms.CharField(
        label=_("Reason for correction"),
        max_length=500,
        required=False,
        help_text=_(
            "Required when you change a value that was already entered. "
            "The previous value and this reason are kept and shown publicly."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A correction changes the value of one month of one indicator; moving it to another
            # month or indicator would rewrite a different published figure without history.
            for name in ("indicator", "period"):
                if name in self.fields:
                    self.fields[name].disabled = True
        else:
            # The first value of a month is not a correction.
            self.fields.pop("reason", None)
        if "period" in self.fields:
            self.fields["period"].help_text = _(
                "Any day of the month; the value is stored for the whole month."
            )

    def restrict_choices(self, departments) -> None:
        self._narrow("indicator", Indicator.objects.filter(goal__owner__in=departments))

    def clean_period(self):
        period = self.cleaned_data.get("period")
        # Normalise before the uniqueness check, so a second value for a month is refused here
        # instead of silently correcting the existing one.
        return period.replace(day=1) if period else period

    @property
    def value_changed(self) -> bool:
        return bool(self.instance.pk) and "value" in self.changed_data

    def clean(self):
        cleaned = super().clean()
        if self.value_changed and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Say why the value is corrected: the change is published with its reason."),
            )
        return cleaned
