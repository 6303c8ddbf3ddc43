"""Admin forms that keep department editors inside their own department, server-side.

As in portal.admin_forms, a narrowed choice field is the validation: a posted survey or
department outside the editor's own is "not one of the available choices".
"""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet

from portal.admin_forms import DepartmentScopedAdminForm
from portal.models import Indicator
from surveys.models import Service, Survey, SurveyQuestion, scale_labels_by_level


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


class ServiceAdminForm(DepartmentScopedAdminForm):
    """Service form: a service of the editor's own departments only."""

    def restrict_choices(self, departments) -> None:
        self._narrow("department", departments)


class SurveyQuestionAdminForm(DepartmentScopedAdminForm):
    """A question inside the survey form: only the editor's own indicators may be linked."""

    def restrict_choices(self, departments) -> None:
        field = self.fields.get("indicator")
        if field is not None:
            field.queryset = Indicator.objects.filter(goal__owner__in=departments)


def answers_offered(question: dict) -> set[str]:
    """The answers an earlier question (a question form's cleaned data) lets residents choose:
    its options, or for a scale question without options its scale's five labels."""
    options = question.get("options") or []
    if isinstance(options, list) and options:
        return {str(option) for option in options}
    if question.get("kind") == SurveyQuestion.Kind.SCALE and question.get("scale"):
        return set().union(*scale_labels_by_level(question["scale"]).values())
    return set()


class SurveyQuestionFormSet(BaseChildFormSet):
    """The survey's questions checked together, in the order the editor put them: keys are
    unique in the survey, and a condition names an earlier question's key and only answers
    that question offers (otherwise the question could never appear)."""

    def questions_in_order(self) -> list[forms.Form]:
        """The question forms kept (not deleted, not blank extras), in their chosen order."""
        kept = []
        for index, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data"):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            order = form.cleaned_data.get("ORDER") if self.can_order else None
            kept.append(((order is None, order or 0, index), form))
        return [form for _key, form in sorted(kept, key=lambda item: item[0])]

    def clean(self):
        super().clean()
        questions = self.questions_in_order()
        all_keys = {f.cleaned_data.get("key") for f in questions} - {None, ""}
        earlier: dict[str, forms.Form] = {}
        for form in questions:
            condition = form.cleaned_data.get("show_if_key") or ""
            if condition and "show_if_key" not in form.errors:
                self.check_condition(form, condition, earlier.get(condition), all_keys)
            key = form.cleaned_data.get("key") or ""
            if not key or "key" in form.errors:
                continue
            if key in earlier:
                form.add_error(
                    "key",
                    _("Another question of this survey already has the key “%(key)s”.")
                    % {"key": key},
                )
            else:
                earlier[key] = form

    @staticmethod
    def check_condition(form, condition: str, question, all_keys) -> None:
        """Add an error to ``form`` unless its condition names ``question`` (the earlier
        question form with that key, or None) and only answers that question offers."""
        if question is None:
            if condition in all_keys:
                message = _(
                    "The question “%(key)s” comes after this one: a condition can only name "
                    "an earlier question."
                )
            else:
                message = _("No earlier question has the key “%(key)s”.")
            form.add_error("show_if_key", message % {"key": condition})
            return
        # The earlier question's own errors are shown on it; its answers are unknown yet.
        if "show_if_answers" in form.errors or {"kind", "scale", "options"} & set(question.errors):
            return
        offered = answers_offered(question.cleaned_data)
        if not offered:
            form.add_error(
                "show_if_key",
                _(
                    "The question “%(key)s” is answered in free text: a condition needs a "
                    "question with answers to choose from."
                )
                % {"key": condition},
            )
            return
        answers = form.cleaned_data.get("show_if_answers") or []
        missing = [answer for answer in answers if answer not in offered]
        if missing:
            form.add_error(
                "show_if_answers",
                _(
                    "Not an answer of the question “%(key)s”: %(missing)s. "
                    "Use its answers exactly as written, one per line."
                )
                % {"key": condition, "missing": "、".join(missing)},
            )


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
    """Rectification case: own department, a survey and a service of the editor's departments.
    The model's clean() keeps the survey and the service in the case's own department."""

    def restrict_choices(self, departments) -> None:
        self._narrow("department", departments)
        # The survey and the service are optional: narrowed, never picked for the editor.
        field = self.fields.get("survey")
        if field is not None:
            field.queryset = Survey.objects.filter(department__in=departments)
        field = self.fields.get("service")
        if field is not None:
            field.queryset = Service.objects.filter(department__in=departments)


class InvalidateResponseForm(forms.Form):
    """Why a rating does not count: the reason goes into the audit log."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why this rating does not count, e.g. staff testing the form or a duplicate. "
            "Kept in the rating's history."
        ),
        # Blank or only spaces (the field strips them): refused with this message.
        error_messages={"required": _("Give the reason why this rating does not count.")},
    )
