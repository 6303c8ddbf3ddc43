"""The rankings page's chart and its downloads: exactly the rows and columns of the table."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse

from portal.models import Evaluation
from tests.builders import EN, YEAR, build_city

pytestmark = pytest.mark.django_db


class _Table(HTMLParser):
    """The text of each cell of the page's rankings table, row by row (header row first)."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell, self._inside = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "data-table--rankings" in (dict(attrs).get("class") or ""):
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        elif self._inside and tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            self.rows[-1].append(text.replace(" ▲", "").replace(" ▼", ""))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _shown(html: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(html)
    return parser.rows


def _as_shown(value) -> str:
    """A file's cell as the page prints it: a dash for nothing, 81.0 as 81."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value):
        value = float(value)  # a CSV cell
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


@pytest.fixture
def cycle(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    return build_city(departments=3, months=3)


@pytest.mark.parametrize("query", ["", "?sort=total", f"?sort=name&month={YEAR}-02"])
def test_each_download_holds_exactly_the_table_shown(client, cycle, query):
    page = client.get(reverse("portal:rankings") + query, **EN)
    shown = _shown(page.content.decode())
    assert len(shown) == 4  # the headings and three departments
    html = page.content.decode().replace("&amp;", "&")
    links = re.findall(r'href="(/rankings/rankings\.(csv|xlsx|json)\?[^"]*)"', html)
    assert [fmt for _link, fmt in links] == ["csv", "xlsx", "json"]
    files = {fmt: client.get(link, **EN) for link, fmt in links}

    csv_file = files["csv"]
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    assert csv_file["Content-Disposition"].startswith('attachment; filename="rankings-')
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0] == shown[0]
    assert [[_as_shown(v) for v in row] for row in rows[1:]] == shown[1:]

    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"].content))["data"]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == shown[0]
    assert [[_as_shown(v) for v in row] for row in cells[1:]] == shown[1:]

    payload = json.loads(files["json"].content)
    assert [c["label"] for c in payload["columns"]] == shown[0]
    assert [[_as_shown(v) for v in row.values()] for row in payload["data"]] == shown[1:]


def test_chart_draws_a_bar_per_department_best_first(client, cycle):
    html = client.get(reverse("portal:rankings"), **EN).content.decode()
    latest = Evaluation.objects.filter(cycle=cycle).latest("period").period
    evaluations = list(
        Evaluation.objects.filter(cycle=cycle, period=latest)
        .select_related("department")
        .order_by("rank")
    )
    wide = html[html.index("chart-svg--wide") :]
    wide = wide[: wide.index("</svg>")]
    assert wide.count('class="chart-svg__bar"') == len(evaluations)
    positions = [wide.index(f"<title>{e.department.name_en} ") for e in evaluations]
    assert positions == sorted(positions)  # by rank, whatever the table's sort
    # A text alternative: the figure is an image named for the table that follows.
    assert 'role="img"' in html and "the same figures are in the table below" in html


def test_an_unknown_download_format_is_a_404(client, cycle):
    assert client.get("/rankings/rankings.pdf").status_code == 404
