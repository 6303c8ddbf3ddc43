"""StreamField blocks of a disclosure report: headings, text, data tables and indicator charts.

Every block knows its own searchable text (``get_searchable_content``): the search index and
Wagtail's admin search read a report's full text, tables and chart captions included. Every block
of the report body has a description and a preview value, which Wagtail's block picker shows
editors (rendered by ``templates/wagtailcore/shared/block_preview.html``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock

from disclosure.annual_blocks import (
    ApplicationsTableBlock,
    ProactiveDisclosureTableBlock,
    ReviewLitigationTableBlock,
)
from portal.values import is_blank

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]


class HeadingBlock(blocks.CharBlock):
    """A section heading of the report."""

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"
        form_classname = "title"
        description = _(
            "A section heading, e.g. 一、总体情况. Charts after it become its subsections."
        )
        preview_value = "一、总体情况"


class ParagraphBlock(blocks.RichTextBlock):
    """Running text: paragraphs, subheadings, lists and links."""

    def __init__(self, features=None, **kwargs):
        super().__init__(features=features or RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/paragraph.html"
        description = _("Paragraphs of text, with subheadings, lists and links.")
        preview_value = (
            "<p>全年新登记经营主体<b>1.2万户</b>，企业开办时间压缩至<b>1个工作日</b>。</p>"
        )


class DataTableBlock(blocks.StructBlock):
    """A table with the caption, source and note every published table needs."""

    caption = blocks.CharBlock(
        label=_("Caption"), max_length=200, help_text=_("Says what the table shows and for when.")
    )
    table = TableBlock(
        label=_("Table"),
        table_options={"startRows": 4, "startCols": 3, "renderer": "text"},
    )
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=200)
    note = blocks.TextBlock(label=_("Note"), required=False)

    class Meta:
        icon = "table"
        label = _("Data table")
        template = "blocks/data_table.html"
        description = _("A table of figures with its caption, source and note.")
        preview_value = {
            "caption": "表1 主要指标完成情况",
            "table": {
                "data": [["指标", "目标", "完成"], ["企业开办时间", "3天", "1天"]],
                "first_row_is_table_header": True,
                "first_col_is_header": True,
            },
            "source": "市统计局",
            "note": "",
        }

    def clean(self, value):
        value = super().clean(value)
        data = (value.get("table") or {}).get("data") or []
        if all(is_blank(cell) for row in data for cell in row):
            raise blocks.StructBlockValidationError(
                block_errors={"table": ValidationError(_("The table is empty."))}
            )
        return value

    def get_searchable_content(self, value):
        content = [value.get("caption") or ""]
        content += self.child_blocks["table"].get_searchable_content(value.get("table"))
        content += [value.get("source") or "", value.get("note") or ""]
        return [str(text) for text in content if text]


class IndicatorCodeField(forms.CharField):
    """An indicator code of a published year (the chart must be one the public can open)."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            from portal.models import Indicator

            if not Indicator.objects.filter(code=value, goal__cycle__published=True).exists():
                raise ValidationError(
                    _("No indicator of a published year has the code “%(code)s”."),
                    params={"code": value},
                )
        return value


class IndicatorCodeBlock(blocks.FieldBlock):
    """The code of an indicator of a published year (a field of ``IndicatorChartBlock``)."""

    class Meta:
        icon = "code"
        label = _("Indicator code")
        description = _("The code shown on the indicator's page.")
        preview_value = "2026-GA-01-1"

    def __init__(self, required=True, help_text=None, **kwargs):
        self._required = required
        self._help_text = help_text
        super().__init__(**kwargs)

    @cached_property
    def field(self):
        return IndicatorCodeField(required=self._required, max_length=40, help_text=self._help_text)


class IndicatorChartBlock(blocks.StructBlock):
    """An indicator's actual-against-target chart, with its data table and downloads."""

    indicator = IndicatorCodeBlock(
        label=_("Indicator code"),
        help_text=_("The code shown on the indicator's page, e.g. 2026-GA-01-1."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "chart"  # wagtail has no chart icon; falls back gracefully
        label = _("Indicator chart")
        template = "blocks/indicator_chart.html"
        description = _(
            "An indicator's monthly figures against its target, as a chart and a table with "
            "downloads, always up to date."
        )
        preview_value = {"indicator": "2026-GA-01-1", "caption": ""}

    def get_preview_value(self):
        """A published indicator of this site (the newest year's first), so that the preview
        shows a real chart; the fixed example code where none is published yet."""
        from portal.models import Indicator

        code = (
            Indicator.objects.filter(goal__cycle__published=True)
            .order_by("-goal__cycle__year", "code")
            .values_list("code", flat=True)
            .first()
        )
        value = dict(
            self.meta.preview_value, indicator=code or self.meta.preview_value["indicator"]
        )
        return self.normalize(value)

    def get_preview_context(self, value, parent_context=None):
        # The report page gives each chart its block's id (the chart's element id); so does this.
        return {**super().get_preview_context(value, parent_context), "block_id": "preview"}

    def get_context(self, value, parent_context=None):
        from portal.charts import indicator_chart_context
        from portal.models import Indicator

        context = super().get_context(value, parent_context=parent_context)
        indicator = (
            Indicator.objects.filter(code=value.get("indicator"), goal__cycle__published=True)
            .select_related("goal__cycle", "goal__owner")
            .first()
        )
        context["indicator"] = indicator
        if indicator is not None:
            context.update(indicator_chart_context(indicator))
        return context

    def get_searchable_content(self, value):
        from portal.models import Indicator

        content = [value.get("caption") or ""]
        # Only a published indicator's name: the page shows nothing else of it either.
        name = (
            Indicator.objects.filter(code=value.get("indicator"), goal__cycle__published=True)
            .values_list("name", flat=True)
            .first()
        )
        content.append(name or "")
        return [text for text in content if text]


class ReportBodyBlock(blocks.StreamBlock):
    """A report's body. The block names are stored with every report: rename one only with a
    data migration."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    table = DataTableBlock()
    indicator_chart = IndicatorChartBlock()
    # The statutory annual report's fixed tables (disclosure/annual_blocks.py).
    annual_proactive = ProactiveDisclosureTableBlock()
    annual_applications = ApplicationsTableBlock()
    annual_review_litigation = ReviewLitigationTableBlock()

    class Meta:
        block_counts = {}
