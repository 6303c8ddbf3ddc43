"""Admin forms that keep department editors inside their own department, server-side.

Restricting a ModelChoiceField's queryset is the validation: a posted primary key outside it is
"not one of the available choices", so a crafted POST cannot attach a goal, indicator or
measurement to another department (DESIGN.md: editors change only what their department owns).
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.models import ADJUSTABLE_FIELDS, Cycle, Goal, Indicator, TargetAdjustment
from portal.permissions import can_manage_all_departments, editable_departments
from portal.withdrawals import cycle_was_published, record_cycle_publication_change


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

    def _narrow(self, field_name: str, queryset, *, preselect: bool = True) -> None:
        field = self.fields.get(field_name)
        if field is not None:
            field.queryset = queryset
            # One department: pick it for the editor on a new object.
            if preselect and not self.instance.pk and field_name not in self.initial:
                choices = list(queryset[:2])
                if len(choices) == 1:
                    self.initial[field_name] = choices[0].pk


class CycleAdminForm(WagtailAdminModelForm):
    """Cycle form: taking a published cycle off the site needs a reason, and it and the
    return to the site are logged; the pages say so once the cycle is back
    (portal.withdrawals). Its terms stay locked meanwhile."""

    publication_reason = forms.CharField(
        label=_("Reason for taking it off the site"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when you unpublish a published cycle. Published on its pages when it "
            "is published again."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        self.was_published = bool(self.instance.pk) and (
            Cycle.objects.filter(pk=self.instance.pk, published=True).exists()
        )
        unpublishing = self.was_published and cleaned.get("published") is False
        if unpublishing and not (cleaned.get("publication_reason") or "").strip():
            self.add_error(
                "publication_reason",
                _("Say why the cycle is taken off the site: the reason will be published."),
            )
        return cleaned

    def save(self, commit=True):
        cycle = super().save(commit=commit)
        if "published" in self.changed_data:
            record_cycle_publication_change(
                cycle,
                self.was_published,
                self.for_user,
                (self.cleaned_data.get("publication_reason") or "").strip(),
            )
        return cycle


class GoalAdminForm(DepartmentScopedAdminForm):
    """Goal form: the lead department must be one the editor works for, the cycle one still
    open, the parent one of the department's own goals or a city goal, and co-departments
    only those the editor works for or the city already named (a goal hung under another
    department's goal, or naming another department, would appear on that department's page)."""

    def restrict_choices(self, departments) -> None:
        self._narrow("owner", departments)
        self._narrow("cycle", Cycle.objects.filter(closed=False))
        current = self.instance.parent_id if self.instance.pk else None
        self._narrow(
            "parent",
            Goal.objects.filter(
                Q(owner__in=departments) | Q(level=Goal.Level.CITY) | Q(pk=current),
                cycle__closed=False,
            ).select_related("cycle"),
            preselect=False,
        )
        named = self.instance.co_departments.all() if self.instance.pk else []
        self._narrow(
            "co_departments",
            departments.model.objects.filter(
                Q(pk__in=departments.values("pk")) | Q(pk__in=[d.pk for d in named])
            ),
            preselect=False,
        )


class IndicatorAdminForm(DepartmentScopedAdminForm):
    """Indicator form: only goals led by the editor's departments in open cycles; in a
    published cycle the terms that decide lights and scores are changed only by a target
    adjustment (DESIGN.md: a published figure never changes silently)."""

    def restrict_choices(self, departments) -> None:
        self._narrow("goal", Goal.objects.filter(owner__in=departments, cycle__closed=False))

    def _published(self, goal) -> bool:
        # Published once is enough: taking a cycle off the site, editing and publishing it
        # again must not change a term quietly (portal.withdrawals).
        return goal is not None and cycle_was_published(goal.cycle)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        stored = Indicator.objects.select_related("goal__cycle").get(pk=self.instance.pk)
        if not (self._published(stored.goal) or self._published(cleaned.get("goal"))):
            return cleaned
        for name in ADJUSTABLE_FIELDS:
            if name in self.changed_data and name in self.fields:
                self.add_error(
                    name,
                    _(
                        "This indicator's cycle is published: its %(term)s changes only "
                        "through a target adjustment (Performance management → Target "
                        "adjustments), approved by a city administrator and shown publicly."
                    )
                    % {"term": Indicator._meta.get_field(name).verbose_name},
                )
        return cleaned


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
        self._narrow(
            "indicator",
            Indicator.objects.filter(goal__owner__in=departments, goal__cycle__closed=False),
        )

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


class TargetAdjustmentRequestForm(DepartmentScopedAdminForm):
    """A department's request to adjust a published indicator's term, with its reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "effective_from" in self.fields:
            self.fields["effective_from"].help_text = _(
                "Any day of the first month judged against the adjusted value; earlier "
                "months keep the original one."
            )

    def restrict_choices(self, departments) -> None:
        self._narrow(
            "indicator",
            Indicator.objects.filter(goal__owner__in=departments, goal__cycle__closed=False),
        )


class WithdrawalForm(forms.Form):
    """Deleting an indicator or figure of a published cycle: the reason, shown publicly."""

    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Published on the site with what is withdrawn (the indicator's terms and figures, "
            "or the figure), and the date."
        ),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why it is withdrawn: the reason is published."))
        return reason


class TargetAdjustmentDecisionForm(WagtailAdminModelForm):
    """A city administrator's decision on a request: approve (the change applies) or reject."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve: apply the change")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Approving changes the indicator from the effective month, recomputes lights and "
            "scores, and publishes the adjustment with its reason on the indicator's page."
        ),
    )

    class Meta:
        model = TargetAdjustment
        fields = ["decision"]
