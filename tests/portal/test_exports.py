"""Indicator downloads: CSV, XLSX and JSON hold exactly the rows of the page's table."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from portal.models import Indicator
from tests.portal.test_pages import EN, build_city

pytestmark = pytest.mark.django_db


def _as_text(value) -> str:
    return "" if value is None else str(value)


@pytest.fixture
def page(client):
    build_city(departments=1, months=4)
    indicator = Indicator.objects.select_related("goal__owner").first()
    response = client.get(indicator.get_absolute_url(), **EN)
    assert response.status_code == 200
    return indicator, response.context["rows"], response.content.decode()


def test_csv_is_utf8_with_bom_and_equals_the_table(client, page):
    indicator, rows, html = page
    response = client.get(f"/indicators/{indicator.code}/data.csv", **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{indicator.code}.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads Chinese correctly with the BOM
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, data = records[0], records[1:]
    assert header[1] == f"Actual value ({indicator.unit})"
    assert data == [[_as_text(v) for v in row.values()] for row in rows]
    for row in rows:
        assert f">{row['period']}</th>" in html


def test_xlsx_has_the_table_and_its_source(client, page):
    indicator, rows, _html = page
    response = client.get(f"/indicators/{indicator.code}/data.xlsx", **EN)
    assert response.status_code == 200
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None, dtype=object)
    data = sheets["data"].astype(object).where(sheets["data"].notna(), None)
    assert [list(r) for r in data.itertuples(index=False)] == [
        [v for v in row.values()] for row in rows
    ]
    about = " ".join(str(v) for v in sheets["about"].to_numpy().ravel())
    assert indicator.source_description in about and indicator.methodology in about


def test_json_has_metadata_and_the_rows(client, page):
    indicator, rows, _html = page
    response = client.get(f"/indicators/{indicator.code}/data.json", **EN)
    payload = json.loads(response.content)
    assert payload["indicator"] == {"code": indicator.code, "name": indicator.name}
    assert payload["unit"] == indicator.unit
    assert payload["source"] == indicator.source_description
    assert payload["methodology_url"].endswith(f"/indicators/{indicator.code}/#methodology")
    assert payload["as_of"] == rows[-1]["period"]
    assert payload["data"] == rows
    assert [c["key"] for c in payload["columns"]] == list(rows[0].keys())


def test_downloads_carry_no_cookies(client, page):
    indicator, _rows, _html = page
    for fmt in ("csv", "xlsx", "json"):
        assert not client.get(f"/indicators/{indicator.code}/data.{fmt}").cookies
