"""Indicator downloads: CSV, XLSX and JSON hold exactly the rows of the page's table."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest

from portal import evaluation, exports
from portal.actions import record_measurement
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    UserFactory,
)
from portal.models import Evaluation, Indicator
from portal.templatetags.portal_tags import num
from tests.builders import EN, YEAR, build_city

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


def test_xlsx_and_json_carry_the_corrections_table_as_the_page_shows_it(client):
    build_city(departments=1, months=3)
    indicator = Indicator.objects.select_related("goal__owner").first()
    editor = UserFactory(username="li.si")
    DepartmentEditorFactory(user=editor, department=indicator.goal.owner)
    record_measurement(
        indicator, datetime.date(YEAR, 2, 1), Decimal("99.5"), user=editor, reason="统计口径更正"
    )
    html = client.get(indicator.get_absolute_url(), **EN).content.decode()
    assert "统计口径更正" in html and "li.si" not in html  # a role, not a personal name

    payload = json.loads(client.get(f"/indicators/{indicator.code}/data.json", **EN).content)
    [fix] = payload["corrections"]
    assert fix["period"] == f"{YEAR}-02" and fix["corrected_value"] == 99.5
    assert fix["reason"] == "统计口径更正"
    assert fix["corrected_by"] in html and "li.si" not in json.dumps(payload)
    assert [c["key"] for c in payload["correction_columns"]] == list(fix)

    response = client.get(f"/indicators/{indicator.code}/data.xlsx", **EN)
    sheet = pd.read_excel(io.BytesIO(response.content), sheet_name="corrections", dtype=object)
    assert list(sheet.columns)[:3] == ["Month", "Previous value", "Corrected value"]
    assert sheet.iloc[0].tolist()[:4] == [f"{YEAR}-02", fix["previous_value"], 99.5, "统计口径更正"]


def test_department_score_history_downloads_hold_the_pages_history_table(client):
    department = DepartmentFactory(name="市营商环境局", slug="yingshang")
    for year, months in ((YEAR - 1, 12), (YEAR, 3)):
        cycle = CycleFactory(year=year)
        indicator = IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=department))
        for m in range(1, months + 1):
            record_measurement(indicator, datetime.date(year, m, 1), Decimal(7 * m))
        evaluation.recompute_cycle(cycle)
    html = client.get("/departments/yingshang/", **EN).content.decode()
    history = html[html.index('id="history-caption"') :]
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/departments/yingshang/scores.{fmt}"' in history

    finals = [
        Evaluation.objects.filter(department=department, cycle__year=y).latest("period")
        for y in (YEAR - 1, YEAR)
    ]
    expected = [
        [e.cycle.year, e.period.strftime("%Y-%m"), round(e.total, 1), e.rank, e.grade]
        for e in finals
    ]
    for year, _as_of, total, _rank, _grade in expected:  # the page prints these very figures
        assert f'<a href="?year={year}">{year}</a>' in history
        assert f">{num(total, 1)}<" in history

    response = client.get("/departments/yingshang/scores.csv", **EN)
    assert response["Content-Disposition"].endswith('filename="yingshang-scores.csv"')
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == ["Year", "As of", "Total score", "Rank", "Grade"]
    assert [[int(y), m, float(t), int(r), g] for y, m, t, r, g in rows] == expected

    payload = json.loads(client.get("/departments/yingshang/scores.json", **EN).content)
    assert payload["department"] == {"slug": "yingshang", "name": "市营商环境局"}
    assert payload["as_of"] == f"{YEAR}-03"
    assert payload["methodology_url"].endswith("/about/methodology/")
    assert [list(r.values()) for r in payload["data"]] == expected

    sheets = pd.read_excel(
        io.BytesIO(client.get("/departments/yingshang/scores.xlsx", **EN).content),
        sheet_name=None,
        dtype=object,
    )
    assert list(sheets["data"]["Year"]) == [YEAR - 1, YEAR]
    assert "市营商环境局" in " ".join(str(v) for v in sheets["about"].to_numpy().ravel())

    assert client.get("/departments/yingshang/scores.pdf").status_code == 404
    assert client.get("/departments/no-such-bureau/scores.csv").status_code == 404


def test_a_correction_reason_that_looks_like_a_formula_stays_text_in_every_download(client):
    build_city(departments=1, months=3)
    indicator = Indicator.objects.select_related("goal__owner").first()
    reason = '=HYPERLINK("http://example.com/x","点击查看")'
    record_measurement(indicator, datetime.date(YEAR, 2, 1), Decimal("42"), reason=reason)

    xlsx = client.get(f"/indicators/{indicator.code}/data.xlsx", **EN).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["corrections"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == reason]
    assert cell.data_type == "s"  # text, exactly as typed; never a live formula

    payload = json.loads(client.get(f"/indicators/{indicator.code}/data.json", **EN).content)
    assert payload["corrections"][0]["reason"] == reason  # JSON is data: unchanged


def test_score_history_keeps_whole_ranks_and_the_pages_rounding():
    department = DepartmentFactory(slug="tax")
    scored = Evaluation(cycle=CycleFactory(year=YEAR - 1), period=datetime.date(YEAR - 1, 12, 1))
    scored.total, scored.rank, scored.grade = 84.15, 3, "=1+1"
    unscored = Evaluation(cycle=CycleFactory(year=YEAR), period=datetime.date(YEAR, 3, 1))
    unscored.total, unscored.rank, unscored.grade = None, None, ""
    history = [scored, unscored]

    response = exports.department_history_response(department, history, "csv", methodology_url="")
    _header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # 84.15 prints as 84.2 on the page (half to even on the decimal text): the same here; the
    # rank stays 3 (not 3.0) although the other year has none; a formula-like grade is quoted.
    assert rows == [
        [str(YEAR - 1), f"{YEAR - 1}-12", "84.2", "3", "'=1+1"],
        [str(YEAR), f"{YEAR}-03", "", "", ""],
    ]
    assert num(84.15, 1) == "84.2"


def test_the_planned_path_has_the_decimals_of_the_departments_figures():
    """Not 35.6667 beside figures of two decimals: the page, its downloads and the chart's
    tooltip print the planned path like the figures (one decimal at least, four at most)."""
    import pandas as pd

    from portal import charts

    series = pd.DataFrame(
        {
            "period": [datetime.date(YEAR, m, 1) for m in (1, 2, 3)],
            "value": [12.25, 30.5, None],
            "planned": [35.666666, 71.333333, 107.0],
            "progress": [0.1, 0.2, None],
            "expected": [1 / 12, 2 / 12, 3 / 12],
            "status": ["green", "red", "none"],
            "target": [428.0, 428.0, 428.0],
        }
    )
    rows = exports.indicator_records(series)
    assert [r["planned"] for r in rows] == [35.67, 71.33, 107.0]
    assert [r["value"] for r in rows] == [12.25, 30.5, None]
    spec = charts.indicator_figure_spec(series, unit="万件")
    tooltips = {trace["name"]: trace["customdata"] for trace in spec["data"]}
    assert list(tooltips.values())[1:] == [["35.67", "71.33", "107"], ["12.25", "30.5", "—"]]

    counts = series.assign(value=[3, 5, None], planned=[0.333333, 0.666667, 1.0], target=4)
    assert [r["planned"] for r in exports.indicator_records(counts)] == [0.3, 0.7, 1.0]


# --- what a download's header and cells can hold ----------------------------------------------


def _parameters(header: str) -> dict[str, str]:
    # A semicolon inside a name is replaced, so the header splits at its parameters.
    kind, *parameters = (part.strip() for part in header.split(";"))
    assert kind == "attachment"
    return dict(p.split("=", 1) for p in parameters)


def _filename(header: str) -> str:
    # As a browser reads the header: filename* (RFC 6266, 5987) wins over filename.
    parameters = _parameters(header)
    if "filename*" in parameters:
        charset, _language, encoded = parameters["filename*"].split("'", 2)
        assert charset.lower() == "utf-8"
        return unquote(encoded)
    return parameters["filename"].strip('"')


def test_a_chinese_file_name_follows_rfc_6266_with_an_ascii_fallback():
    header = exports.attachment(b"", "csv", "营商环境-01")["Content-Disposition"]
    assert header == (
        "attachment; filename=\"01.csv\"; filename*=utf-8''"
        "%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83-01.csv"
    )
    assert _filename(header) == "营商环境-01.csv"


@pytest.mark.parametrize(
    "name",
    ['A"; filename="evil.exe', "../../etc/passwd", "A\r\nSet-Cookie: x=1", '指标"; x="/\\'],
)
def test_quotes_slashes_or_line_breaks_in_a_name_stay_inside_the_file_name(name):
    header = exports.attachment(b"", "csv", name)["Content-Disposition"]
    filename = _filename(header)
    assert filename.endswith(".csv")
    assert not set(filename) & set('"/\\\r\n')
    assert set(_parameters(header)) <= {"filename", "filename*"}
    assert _parameters(header)["filename"].count('"') == 2  # one quoted string


def test_a_text_longer_than_an_xlsx_cell_is_cut_and_says_so(client, english):
    build_city(departments=1, months=2)
    indicator = Indicator.objects.select_related("goal__owner").first()
    methodology = "口径" * 20_000 + "\x01"  # 40,001 characters and a control character
    Indicator.objects.filter(pk=indicator.pk).update(methodology=methodology)

    response = client.get(f"/indicators/{indicator.code}/data.xlsx", **EN)
    assert response.status_code == 200
    about = openpyxl.load_workbook(io.BytesIO(response.content))["about"]
    [cell] = [c.value for row in about.iter_rows() for c in row if str(c.value).startswith("口径")]
    assert len(cell) == exports.XLSX_CELL_MAX  # what Excel opens
    assert cell.endswith("[…cut: 40000 characters in all; the JSON download has the full text]")
    payload = client.get(f"/indicators/{indicator.code}/data.json", **EN).json()
    assert payload["methodology"] == methodology
