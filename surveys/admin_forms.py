"""Admin forms that keep department editors inside their own department, server-side.

As in portal.admin_forms, a narrowed choice field is the validation: a posted survey or
department outside the editor's own is "not one of the available choices".
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.admin_forms import DepartmentScopedAdminForm
from portal.models import Indicator
from surveys.models import Service, Survey


class OptionLinesWidget(forms.Textarea):
    """A list of answer options edited as one option per line (not as JSON)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 5, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        if isinstance(value, list):
            return "\n".join(str(option) for option in value)
        return "" if value is None else str(value)

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw is None:
            return None
        lines = [line.strip() for line in str(raw).splitlines()]
        return json.dumps([line for line in lines if line], ensure_ascii=False)


class SurveyAdminForm(DepartmentScopedAdminForm):
    """Survey form: own departments only, and a satisfaction indicator of them to feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("indicator")
        if field is not None:
            field.queryset = field.queryset.filter(dimension=Indicator.Dimension.SATISFACTION)

    def restrict_choices(self, departments) -> None:
        self._narrow("department", departments)
        field = self.fields.get("indicator")
        if field is not None:
            field.queryset = Indicator.objects.filter(goal__owner__in=departments)
        field = self.fields.get("services")
        if field is not None:
            field.queryset = Service.objects.filter(department__in=departments)

    def clean(self):
        data = super().clean()
        department = data.get("department")
        others = [
            s for s in data.get("services") or [] if department and s.department_id != department.pk
        ]
        if others:
            self.add_error(
                "services",
                _("A survey covers services of its own department only (not: %(names)s).")
                % {"names": "、".join(s.name for s in others)},
            )
        return data


class SurveyQuestionAdminForm(DepartmentScopedAdminForm):
    """A question inside the survey form: only the editor's own indicators may be linked."""

    def restrict_choices(self, departments) -> None:
        field = self.fields.get("indicator")
        if field is not None:
            field.queryset = Indicator.objects.filter(goal__owner__in=departments)


class SurveyResultAdminForm(DepartmentScopedAdminForm):
    """Monthly results: only for the editor's own surveys, one row per month."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "period" in self.fields:
            self.fields["period"].help_text = _(
                "Any day of the month; the results are stored for the whole month."
            )

    def restrict_choices(self, departments) -> None:
        self._narrow("survey", Survey.objects.filter(department__in=departments))


class RectificationCaseAdminForm(DepartmentScopedAdminForm):
    """Rectification case: own department, and a survey of the editor's departments."""

    def restrict_choices(self, departments) -> None:
        self._narrow("department", departments)
        # The survey is optional: narrowed, never picked for the editor.
        field = self.fields.get("survey")
        if field is not None:
            field.queryset = Survey.objects.filter(department__in=departments)
