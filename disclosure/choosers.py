"""The indicator chooser of the report blocks: a Wagtail ``ChooserViewSet`` modal listing the
indicators of published years (a report may chart only what the public can open), searchable by
code or name. A department editor is offered their own department's indicators (owned or
co-owned goals); city administrators every published one.

The block stores the indicator's code, not its primary key: codes are what reports were written
with before the chooser (``{"indicator": "<code>"}``), what the monthly report generator writes,
and they stay readable in a stored body. A code whose indicator is gone comes back as an unsaved
``Indicator`` holding only the code, so the block can say which indicator is missing.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.blocks import ChooserBlock

from portal.models import Indicator
from portal.permissions import can_manage_all_departments, user_department_ids


def published_indicators():
    return Indicator.objects.filter(goal__cycle__published=True)


def choosable_indicators(user):
    """The indicators ``user`` may put in a report: published ones, and for a department
    editor those of their own department's goals (owned or co-owned)."""
    indicators = published_indicators().select_related("goal__cycle", "goal__owner")
    if not can_manage_all_departments(user):
        departments = user_department_ids(user)
        indicators = indicators.filter(
            Q(goal__owner_id__in=departments) | Q(goal__co_departments__in=departments)
        ).distinct()
    return indicators.order_by("-goal__cycle__year", "code")


class IndicatorFilterForm(BaseFilterForm):
    """Search the chooser by code or name."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Code or name")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(Q(code__icontains=query) | Q(name__icontains=query))
        return objects


class _ScopedListMixin:
    filter_form_class = IndicatorFilterForm

    def get_object_list(self):
        return choosable_indicators(self.request.user)


class IndicatorChooseView(_ScopedListMixin, ChooseView):
    pass


class IndicatorChooseResultsView(_ScopedListMixin, ChooseResultsView):
    pass


class IndicatorChooserViewSet(ChooserViewSet):
    """The modal that picks an indicator for a report chart or table."""

    model = "portal.Indicator"
    icon = "table"
    choose_one_text = _("Choose an indicator")
    choose_another_text = _("Choose another indicator")
    page_title = _("Choose an indicator")
    choose_view_class = IndicatorChooseView
    choose_results_view_class = IndicatorChooseResultsView
    form_fields = None  # indicators are created with their goal, not from a report


indicator_chooser_viewset = IndicatorChooserViewSet(
    "indicator_chooser", url_prefix="indicator-chooser"
)


class IndicatorChooserBlock(ChooserBlock):
    """An indicator of a published year, picked with the chooser; stored as its code."""

    @cached_property
    def target_model(self):
        return Indicator

    @cached_property
    def widget(self):
        return indicator_chooser_viewset.widget_class()

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=published_indicators(),
            widget=self.widget,
            required=self._required,
            help_text=self._help_text,
            error_messages={"invalid_choice": _("Choose an indicator of a published year.")},
        )

    def to_python(self, value):
        return self.bulk_to_python([value])[0]

    def bulk_to_python(self, values):
        codes = [v for v in values if isinstance(v, str) and v]
        ids = [v for v in values if isinstance(v, int)]
        found = Indicator.objects.select_related("goal__cycle", "goal__owner").filter(
            Q(code__in=codes) | Q(pk__in=ids)
        )
        by_code = {i.code: i for i in found}
        by_id = {i.pk: i for i in found}
        result = []
        for value in values:
            if isinstance(value, int):
                result.append(by_id.get(value))
            elif isinstance(value, str) and value:
                # A vanished indicator keeps its code, so the report can name what is missing.
                result.append(by_code.get(value) or Indicator(code=value))
            else:
                result.append(None)
        return result

    def get_prep_value(self, value):
        if isinstance(value, Indicator):
            return value.code
        return value or None

    def value_for_form(self, value):
        if isinstance(value, Indicator):
            return value.pk  # None for a vanished indicator: the editor chooses again
        return value  # a primary key (ChooserBlock.clean passes one)

    def get_form_state(self, value):
        return self.widget.get_value_data(self.value_for_form(value))

    def clean(self, value):
        if isinstance(value, str):  # a stored or generated body names the indicator by code
            value = self.to_python(value)
        if isinstance(value, Indicator) and value.pk is None:
            raise ValidationError(
                _("The indicator %(code)s no longer exists.") % {"code": value.code}
            )
        return super().clean(value)

    def extract_references(self, value):
        if isinstance(value, Indicator) and value.pk:
            yield Indicator, str(value.pk), "", ""

    def get_searchable_content(self, value):
        if isinstance(value, Indicator) and value.pk and value.goal.cycle.published:
            return [value.name]
        return []

    class Meta:
        icon = "table"
