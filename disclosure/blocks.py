"""StreamField blocks of a disclosure report: headings, text, data tables, and (from their own
modules) the figure blocks: indicator charts and tables, scores, uploaded tables, attachments.

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
from disclosure.figure_blocks import IndicatorChartBlock, IndicatorTableBlock
from disclosure.score_blocks import DepartmentScorecardBlock, RankingsBlock, StatusSummaryBlock
from disclosure.upload_blocks import AttachmentsBlock, UploadedTableBlock
from portal.values import is_blank

__all__ = [
    "AttachmentsBlock",
    "DataTableBlock",
    "DepartmentScorecardBlock",
    "HeadingBlock",
    "IndicatorChartBlock",
    "IndicatorTableBlock",
    "ParagraphBlock",
    "RankingsBlock",
    "ReportBodyBlock",
    "StatusSummaryBlock",
    "UploadedTableBlock",
]

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


# The typed indicator code of the first chart block, before the chooser: kept because the
# migrations that built the body's earlier block definitions import it.
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
    # The figure blocks (disclosure.figure_blocks, score_blocks, upload_blocks).
    indicator_table = IndicatorTableBlock()
    status_summary = StatusSummaryBlock()
    rankings = RankingsBlock()
    department_scorecard = DepartmentScorecardBlock()
    uploaded_table = UploadedTableBlock()
    attachments = AttachmentsBlock()

    class Meta:
        block_counts = {}
