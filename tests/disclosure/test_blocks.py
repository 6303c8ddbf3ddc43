"""Report blocks as editors meet them in Wagtail's block picker: a description and a preview."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from disclosure.models import ReportPage
from portal.factories import (
    CycleFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    UserFactory,
)

BODY_BLOCKS = ReportPage._meta.get_field("body").stream_block.child_blocks

# What each block's preview shows of its preview value.
PREVIEW_TEXT = {
    "heading": "一、总体情况",
    "paragraph": "<b>1.2万户</b>",
    "table": "表1 主要指标完成情况",
    "indicator_chart": "企业开办平均时间",
    "annual_proactive": "7730.28",
    "annual_applications": "收到和处理政府信息公开申请情况",
    "annual_review_litigation": "行政复议",
    "indicator_table": "企业开办平均时间",
    "status_summary": "2026",
    "rankings": "2026",
    "department_scorecard": "2026",
    "uploaded_table": "东城区",
    "attachments": "附件",
}


def test_every_block_of_the_report_body_is_covered_here():
    assert set(BODY_BLOCKS) == set(PREVIEW_TEXT)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PREVIEW_TEXT))
def test_every_report_block_has_a_description_and_a_preview_that_renders(client, name):
    cycle = CycleFactory(year=2026)
    indicator = IndicatorFactory(goal=GoalFactory(cycle=cycle), name="企业开办平均时间")
    MeasurementFactory(indicator=indicator, period=datetime.date(2026, 1, 1), value=3)
    block = BODY_BLOCKS[name]
    assert str(block.get_description()).strip()
    assert block.get_preview_value()
    assert block.is_previewable  # shown in the block picker
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 200
    html = response.content.decode()
    assert PREVIEW_TEXT[name] in html
    assert "portal/css/site.css" in html  # in the public site's styles
    if name == "indicator_chart":  # a real chart of a published indicator, with its table
        assert 'role="img"' in html and indicator.code in html
