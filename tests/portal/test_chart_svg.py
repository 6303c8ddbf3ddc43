"""The indicator chart drawn on the server: what a visitor sees before any script runs."""

import datetime
import re

import pytest
from django.utils import translation

from portal.chart_svg import FONT, indicator_chart_svg, label_width

MONTHS = [datetime.date(2026, m, 1) for m in range(1, 13)]


def _svg(language="zh-hans", **changes):
    values = dict(
        actual=[10, 20, None, 41.5, 50, None, None, None, None, None, None, None],
        planned=[8 * m for m in range(1, 13)],
        statuses=["green", "yellow", "none", "red", "green"] + ["none"] * 7,
        targets=[95] * 12,
        unit="万件",
    )
    values.update(changes)
    with translation.override(language):
        return str(
            indicator_chart_svg(
                MONTHS,
                values["actual"],
                values["planned"],
                values["statuses"],
                values["targets"],
                unit=values["unit"],
                language=language,
            )
        )


@pytest.mark.parametrize(
    ("language", "labels"),
    [("zh-hans", [f"{m}月" for m in range(1, 13)]), ("en", ["Jan", "Feb", "Dec"])],
)
def test_every_month_is_labelled_short_and_unrotated(language, labels):
    svg = _svg(language)
    drawings = re.findall(r"<svg.*?</svg>", svg)
    assert len(drawings) == 2  # the phone's and the wider screen's
    for drawing in drawings:
        ticks = [
            (float(x), text)
            for x, text in re.findall(
                r'<text class="chart-svg__tick" x="([\d.]+)" y="[\d.]+" '
                r'text-anchor="middle">([^<]+)<',
                drawing,
            )
        ]
        assert "rotate" not in drawing
        for (x1, a), (x2, b) in zip(ticks, ticks[1:], strict=False):
            assert x2 - x1 >= (label_width(a) + label_width(b)) / 2  # never overprinted
    wide = drawings[1]
    for label in labels:  # the wide drawing labels every month
        assert f">{label}<" in wide


def test_the_plan_the_target_and_the_gaps_are_drawn():
    svg = _svg()
    assert 'class="chart-svg__planned"' in svg
    assert ">目标值 95<" in svg  # the annual target, labelled
    actual = re.search(r'<path class="chart-svg__actual" d="([^"]+)"', svg).group(1)
    assert actual.count("M") == 2  # a month without a figure is a gap, not a zero
    # Status by shape as well as colour: a square for red, a triangle for yellow.
    assert "chart-svg__marker--red" in svg and "<rect" in svg
    assert "<title>4月 41.5 万件</title>" in svg


def test_text_is_escaped_and_an_empty_series_draws_nothing():
    assert "<script" not in _svg(unit="<script>")
    assert "&lt;script&gt;" in _svg(unit="<script>")
    assert _svg(actual=[None] * 12, planned=[None] * 12, targets=[None] * 12) == ""
    assert FONT >= 12


@pytest.mark.django_db
def test_the_indicator_page_carries_the_drawn_chart_and_loads_plotly_without_blocking(client):
    from portal.models import Indicator
    from tests.builders import build_city

    build_city()
    indicator = Indicator.objects.filter(measurements__isnull=False).first()
    html = client.get(indicator.get_absolute_url()).content.decode()
    box = html[html.index('id="indicator-chart"') :][:20000]
    assert box.index("<svg") < box.index("</div>")  # inside the chart's box, before any script
    assert "1月" in box
    scripts = re.findall(r"<script src=\"[^\"]*(?:plotly|charts)[^\"]*\"[^>]*>", html)
    assert scripts and all(" defer" in tag for tag in scripts)
