"""Bulk import of measurements: parsing, all-or-nothing validation, writing, the admin screen."""

import datetime
import io
from decimal import Decimal

import pandas as pd
import pytest
from wagtail.models import ModelLogEntry

from portal import importing
from portal.actions import record_measurement
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    UserFactory,
)
from portal.importing import import_measurements, parse_period, parse_value
from portal.models import Measurement, MeasurementCorrection
from tests.builders import REALDATA, build_import_world, csv_file, xlsx_file
from tests.builders import import_snapshot as snapshot

REAL_MMR = REALDATA / "real_indicators_nyc_mmr.csv"


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def world(db):
    """Two departments with indicators in 2025, an editor of the first one, an administrator."""
    return build_import_world()


# ---- pure parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03",
        "2026-3",
        "2026-03-01",
        "2026-03-17",
        "2026/3",
        "2026/03/01",
        "2026.03",
        "2026年3月",
        "2026年03月",
        "2026年3月份",
        "２０２６－０３",
        "2026-03-01 00:00:00",
        datetime.datetime(2026, 3, 5, 0, 0),
        datetime.date(2026, 3, 31),
    ],
)
def test_period_formats_are_read_as_the_month(raw):
    assert parse_period(raw) == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("raw", ["", "March 2026", "2026-13", "2026-02-30", "202603", "26-03"])
def test_unreadable_periods_give_a_message(raw):
    assert isinstance(parse_period(raw), str)


@pytest.mark.parametrize(
    "raw, expected, percent",
    [
        ("12", "12", False),
        (" 12.5 ", "12.5", False),
        ("1,234.5", "1234.5", False),
        ("1,234,567", "1234567", False),
        ("１２", "12", False),
        ("１，２３４．５", "1234.5", False),
        ("-3.25", "-3.25", False),
        ("\u22124", "-4", False),
        ("+7", "7", False),
        (".5", "0.5", False),
        ("1.2E+03", "1200", False),
        ("12%", "12", True),
        ("１２％", "12", True),
        ("0.123456", "0.1235", False),
        (42, "42", False),
        (0.1, "0.1", False),
        (14584.711, "14584.711", False),
    ],
)
def test_numbers_are_parsed_exactly(raw, expected, percent):
    assert parse_value(raw) == (Decimal(expected), percent)


@pytest.mark.parametrize(
    "raw",
    ["abc", "—", "-", "n/a", "无", "#DIV/0!", "1,23", "12.3.4", "", "1 2", "NaN", "inf", True],
)
def test_text_in_the_value_column_is_rejected(raw):
    assert isinstance(parse_value(raw), str)


def test_a_value_too_large_for_the_database_is_rejected():
    assert isinstance(parse_value("123456789012345"), str)
    assert parse_value("12345678901234.5") == (Decimal("12345678901234.5"), False)


def test_blank_rows_are_skipped_and_row_numbers_match_the_spreadsheet():
    data = csv_file(["A-01,2025-01,1,,", "", ",,,,", "A-01,2025-02,abc,,"])
    rows, issues = importing.parse_measurement_file(data, "m.csv")
    assert [row.row for row in rows] == [2]
    assert [(i.row, i.column) for i in issues] == [(5, "value")]


def test_a_header_below_a_title_row_is_found():
    data = csv_file(["", "indicator_code,period,value", "A-01,2025-01,1"], header="")
    rows, issues = importing.parse_measurement_file(data, "m.csv")
    assert issues == []
    assert [row.row for row in rows] == [4]


# ---- bad input writes nothing -----------------------------------------------------------------


def assert_refused(world, data, filename, expected, user=None):
    """Import must fail, write nothing, and report exactly the expected (row, column) pairs."""
    before = snapshot()
    result = import_measurements(data, filename, user=user or world["admin"])
    assert not result.ok
    assert snapshot() == before
    assert [(issue.row, issue.column) for issue in result.errors] == expected
    return result


def test_unknown_indicator_code_is_reported_on_its_row(world):
    data = csv_file(["A-01,2025-01,10,,", "NOPE-9,2025-01,10,,", "A-02,2025-01,3,,"])
    result = assert_refused(world, data, "m.csv", [(3, "indicator_code")])
    assert "NOPE-9" in result.errors[0].message


@pytest.mark.parametrize("bad", ["abc", "—", "#N/A"])
def test_text_in_a_number_column_writes_nothing(world, bad):
    data = csv_file(["A-01,2025-01,10,,", f"A-01,2025-02,{bad},,"])
    result = assert_refused(world, data, "m.csv", [(3, "value")])
    assert bad in result.errors[0].message


def test_a_month_outside_the_cycle_is_refused(world):
    data = csv_file(["A-01,2025-12,10,,", "A-01,2026-01,10,,"])
    result = assert_refused(world, data, "m.csv", [(3, "period")])
    assert "2026-01" in result.errors[0].message
    assert "2025-01 to 2025-12" in result.errors[0].message


def test_the_same_indicator_and_month_twice_is_refused_even_with_equal_values(world):
    data = csv_file(["A-01,2025-01,10,,", "A-02,2025-01,1,,", "A-01,2025/1,10,,"])
    result = assert_refused(world, data, "m.csv", [(4, "period")])
    assert "row 2" in result.errors[0].message


def test_percent_sign_only_for_percent_indicators(world):
    data = csv_file(["A-01,2025-01,12%,,", "A-02,2025-01,12%,,"])
    assert_refused(world, data, "m.csv", [(3, "value")])
    result = import_measurements(csv_file(["A-01,2025-01,12%,,"]), "m.csv", user=world["admin"])
    assert result.ok
    assert Measurement.objects.get().value == Decimal("12")


def test_missing_required_columns_are_named(world):
    data = csv_file(["A-01,10"], header="indicator_code,value")
    result = assert_refused(world, data, "m.csv", [(1, "")])
    assert "period" in result.errors[0].message


def test_two_columns_meaning_the_same_thing_are_refused(world):
    data = csv_file(["A-01,2025-01,10,11"], header="indicator_code,period,value,数值")
    assert_refused(world, data, "m.csv", [(1, "数值")])


@pytest.mark.parametrize(
    "filename, content, needle",
    [
        ("m.csv", b"", "empty"),
        ("m.csv", b"   \n\n", "empty"),
        ("m.csv", b"indicator_code,period,value\n", "no measurements"),
        ("m.xls", b"\xd0\xcf\x11\xe0whatever", ".xls"),
        ("m.txt", b"indicator_code,period,value\nA-01,2025-01,1\n", ".txt"),
        ("measurements", b"indicator_code,period,value\n", "Unsupported"),
        ("m.csv", bytes(range(256)) * 40, "could not be read as text"),
        ("m.csv", b"\x89PNG\r\n\x1a\n" + b"\xff\xfe\xfd" * 300, "could not be read as text"),
        ("m.csv", b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
        ("m.xlsx", b"indicator_code,period,value\n", "not a valid .xlsx"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_write_nothing(world, filename, content, needle):
    result = assert_refused(world, io.BytesIO(content), filename, [(None, "")])
    assert needle in result.errors[0].message


def test_a_file_over_the_size_limit_is_refused_before_parsing(world, settings, monkeypatch):
    settings.PORTAL_IMPORT_MAX_BYTES = 100
    good = "A-01,2025-01,10,,"
    data = csv_file([good] * 3)
    assert len(data.getvalue()) <= 100
    assert import_measurements(
        csv_file([good, "A-01,2025-02,10,,"]), "m.csv", user=world["admin"], dry_run=True
    ).ok

    def fail(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(importing.parsing, "_read_csv_rows", fail)
    big = csv_file([good.replace("10", str(n)) for n in range(10)])
    assert len(big.getvalue()) > 100
    result = assert_refused(world, big, "m.csv", [(None, "")])
    assert "limit" in result.errors[0].message


def test_the_issues_50_megabyte_file_is_refused_by_size(world, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk or time
    monkeypatch.setattr(importing.parsing, "_read_csv_rows", pytest.fail)
    with path.open("rb") as handle:
        result = assert_refused(world, handle, "big.csv", [(None, "")])
    assert "50 MB" in result.errors[0].message


def test_the_error_report_is_capped(world):
    rows = [f"A-{n},2025-01,bad{n},," for n in range(250)]
    result = import_measurements(csv_file(rows), "m.csv", user=world["admin"])
    assert result.error_count == 250
    assert len(result.errors) == importing.MAX_REPORTED_ERRORS
    assert result.more_errors == 50
    lines = importing.error_report_lines(result)
    assert lines[0].startswith("row 2, column value:")
    assert "50 more errors" in lines[-1]


# ---- permissions ------------------------------------------------------------------------------


def test_an_editor_cannot_import_another_departments_indicator(world):
    data = csv_file(["A-01,2025-01,10,,", "B-01,2025-01,10,,"])
    result = assert_refused(world, data, "m.csv", [(3, "indicator_code")], user=world["editor"])
    assert "市交通局" in result.errors[0].message


def test_an_editor_imports_their_own_departments_indicators(world):
    data = csv_file(["A-01,2025-01,10,,", "A-02,2025-01,3,,"])
    result = import_measurements(data, "m.csv", user=world["editor"])
    assert result.ok and result.created == 2
    assert {m.entered_by for m in Measurement.objects.all()} == {world["editor"]}


def test_a_closed_cycle_takes_figures_only_from_a_city_administrator(world):
    world["cycle"].closed = True
    world["cycle"].save()
    refused = assert_refused(
        world, csv_file(["A-01,2025-01,10,,"]), "m.csv", [(2, "period")], world["editor"]
    )
    assert "evaluation is closed" in refused.errors[0].message
    result = import_measurements(csv_file(["A-01,2025-01,10,,"]), "m.csv", user=world["admin"])
    assert result.ok and result.created == 1


def test_a_user_without_departments_is_refused_every_row(world):
    outsider = UserFactory(username="outsider")
    data = csv_file(["A-01,2025-01,10,,", "A-02,2025-01,3,,"])
    assert_refused(
        world, data, "m.csv", [(2, "indicator_code"), (3, "indicator_code")], user=outsider
    )


def test_an_import_for_one_department_refuses_other_departments_rows(world):
    data = csv_file(["A-01,2025-01,10,,", "B-01,2025-01,10,,"])
    before = snapshot()
    result = import_measurements(data, "m.csv", user=world["admin"], department=world["own"])
    assert [(i.row, i.column) for i in result.errors] == [(3, "indicator_code")]
    assert snapshot() == before
    result = import_measurements(
        csv_file(["A-01,2025-01,10,,"]), "m.csv", user=world["editor"], department=world["other"]
    )
    assert not result.ok and snapshot() == before


# ---- writing ----------------------------------------------------------------------------------


def test_csv_import_creates_values_with_audit_entries(world):
    data = csv_file(["A-01,2025-01,10.5,首月数据,市数据局台账", 'A-02,2025-01,"1,234",,'])
    result = import_measurements(data, "m.csv", user=world["editor"])
    assert result.ok, result.errors
    assert (result.created, result.corrected, result.unchanged) == (2, 0, 0)
    assert result.cycles == [world["cycle"]]
    rate = Measurement.objects.get(indicator=world["rate"])
    assert (rate.period, rate.value, rate.note, rate.source) == (
        datetime.date(2025, 1, 1),
        Decimal("10.5"),
        "首月数据",
        "市数据局台账",
    )
    assert Measurement.objects.get(indicator=world["count"]).value == Decimal("1234")
    entries = ModelLogEntry.objects.filter(user=world["editor"])
    assert sorted(entries.values_list("action", flat=True)) == [
        "portal.import_measurements",
        "wagtail.create",
        "wagtail.create",
    ]
    summary = entries.get(action="portal.import_measurements")
    assert summary.data["created"] == 2 and summary.data["filename"] == "m.csv"
    assert len(set(entries.values_list("uuid", flat=True))) == 1


def test_reimporting_the_same_file_changes_nothing(world):
    rows = ["A-01,2025-01,10,,", "A-01,2025-02,11,note,src", "A-02,2025-01,3,,"]
    assert import_measurements(csv_file(rows), "m.csv", user=world["admin"]).created == 3
    before = snapshot()
    result = import_measurements(csv_file(rows), "m.csv", user=world["admin"])
    assert result.ok
    assert (result.created, result.corrected, result.updated, result.unchanged) == (0, 0, 0, 3)
    assert result.cycles == []
    assert snapshot() == before


def test_a_changed_value_becomes_a_correction_with_history(world):
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=10)
    MeasurementFactory(indicator=world["count"], period=datetime.date(2025, 1, 1), value=5)
    data = csv_file(
        ["A-01,2025-01,12,,,统计口径调整", "A-02,2025-01,6,,,"],
        header="indicator_code,period,value,note,source,更正原因",
    )
    result = import_measurements(data, "fix.csv", user=world["editor"])
    assert result.ok and result.corrected == 2
    assert [(c.row, c.old_value, c.new_value) for c in result.changes] == [
        (2, Decimal("10"), Decimal("12")),
        (3, Decimal("5"), Decimal("6")),
    ]
    rate = Measurement.objects.get(indicator=world["rate"])
    assert rate.value == Decimal("12")
    correction = rate.corrections.get()
    assert (correction.old_value, correction.new_value, correction.reason) == (
        Decimal("10"),
        Decimal("12"),
        "统计口径调整",
    )
    assert correction.corrected_by == world["editor"]
    default = MeasurementCorrection.objects.get(measurement__indicator=world["count"])
    assert default.reason == importing.DEFAULT_CORRECTION_REASON
    edit = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(rate.pk))
    assert edit.data == {"old_value": "10.0000", "new_value": "12.0000", "reason": "统计口径调整"}
    summary = ModelLogEntry.objects.get(action="portal.import_measurements")
    assert summary.data["corrected"] == 2


def test_the_bulk_path_keeps_the_same_history_as_record_measurement(world):
    """Importing a correction leaves what record_measurement would: correction and log entry."""
    period = datetime.date(2025, 3, 1)
    for indicator in (world["rate"], world["count"]):
        MeasurementFactory(indicator=indicator, period=period, value=1, note="旧", source="旧源")
    record_measurement(
        world["rate"], period, Decimal("2"), user=world["admin"], note="新", reason="r"
    )
    import_measurements(
        csv_file(["A-02,2025-03,2,新,,r"], header="indicator_code,period,value,note,source,reason"),
        "m.csv",
        user=world["admin"],
    )

    def trace(indicator):
        measurement = Measurement.objects.get(indicator=indicator)
        correction = measurement.corrections.get()
        entry = ModelLogEntry.objects.get(object_id=str(measurement.pk), action="wagtail.edit")
        return (
            (measurement.value, measurement.note, measurement.source),
            (correction.old_value, correction.new_value, correction.old_note, correction.reason),
            (correction.old_source, correction.corrected_by, entry.user, entry.data["reason"]),
            (Decimal(entry.data["old_value"]), Decimal(entry.data["new_value"])),
        )

    assert trace(world["rate"]) == trace(world["count"])


def test_a_note_only_change_updates_without_a_correction(world):
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=10)
    result = import_measurements(
        csv_file(["A-01,2025-01,10.0000,补充说明,"]), "m.csv", user=world["admin"]
    )
    assert (result.updated, result.corrected) == (1, 0)
    assert Measurement.objects.get().note == "补充说明"
    assert not MeasurementCorrection.objects.exists()


def test_dry_run_counts_without_writing(world):
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=10)
    before = snapshot()
    result = import_measurements(
        csv_file(["A-01,2025-01,11,,", "A-01,2025-02,1,,", "A-02,2025-02,1,,"]),
        "m.csv",
        user=world["admin"],
        dry_run=True,
    )
    assert result.ok and not result.written
    assert (result.created, result.corrected) == (2, 1)
    assert snapshot() == before


def test_each_affected_cycle_is_recomputed_once(world, monkeypatch):
    cycle_2024 = CycleFactory(year=2024)
    old = IndicatorFactory(goal=GoalFactory(cycle=cycle_2024, owner=world["own"]), code="OLD-1")
    calls = []
    monkeypatch.setattr("portal.evaluation.recompute_cycle", calls.append)
    rows = [f"A-01,2025-{m:02d},{m},," for m in range(1, 13)] + ["OLD-1,2024-12,5,,"]
    result = import_measurements(csv_file(rows), "m.csv", user=world["admin"])
    assert result.ok
    assert calls == [cycle_2024, world["cycle"]]
    assert old.measurements.count() == 1


def test_a_failure_while_writing_rolls_everything_back(world, monkeypatch):
    def broken(cycle):
        raise RuntimeError("evaluation failed")

    monkeypatch.setattr("portal.evaluation.recompute_cycle", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        import_measurements(csv_file(["A-01,2025-01,1,,"]), "m.csv", user=world["admin"])
    assert snapshot() == before


def test_gbk_csv_with_chinese_headers_imports(world):
    data = csv_file(
        ["A-01,2025年1月,８５．５,一季度数据,市统计局", 'A-02,2025/2,"1,200",,'],
        header="指标编码,月份,数值,备注,来源",
        encoding="gbk",
    )
    result = import_measurements(data, "数据.csv", user=world["editor"])
    assert result.ok, result.errors
    rate = Measurement.objects.get(indicator=world["rate"])
    assert (rate.value, rate.note, rate.source) == (Decimal("85.5"), "一季度数据", "市统计局")
    assert Measurement.objects.get(indicator=world["count"]).period == datetime.date(2025, 2, 1)


def test_utf8_with_bom_and_semicolons_imports(world):
    text = "\ufeff指标编码;期间;值\nA-01;2025-01;1\n"
    result = import_measurements(io.BytesIO(text.encode("utf-8")), "m.csv", user=world["admin"])
    assert result.ok and result.created == 1


def test_xlsx_imports_with_date_cells_and_numbers(world):
    data = xlsx_file(
        [
            ["指标编码", "期间", "数值", "备注"],
            ["A-01", datetime.datetime(2025, 1, 1), 85.25, "Excel"],
            [None, None, None, None],
            ["A-02", "2025-01", "1,234", None],
            ["A-02", "2025年2月", 7, None],
        ]
    )
    result = import_measurements(data, "m.xlsx", user=world["admin"])
    assert result.ok, result.errors
    assert result.created == 3
    assert Measurement.objects.get(indicator=world["rate"]).value == Decimal("85.25")
    assert Measurement.objects.get(
        indicator=world["count"], period=datetime.date(2025, 1, 1)
    ).value == Decimal("1234")


def test_xlsx_errors_name_the_sheet_row(world):
    data = xlsx_file(
        [
            ["indicator_code", "period", "value"],
            ["A-01", "2025-01", 1],
            [None, None, None],
            ["A-02", "2025-01", "abc"],
        ]
    )
    assert_refused(world, data, "m.xlsx", [(4, "value")])


def test_a_large_file_imports_quickly_with_few_queries(world, django_assert_max_num_queries):
    codes = []
    goal = GoalFactory(cycle=world["cycle"], owner=world["own"])
    indicators = IndicatorFactory.create_batch(50, goal=goal)
    codes = [i.code for i in indicators]
    rows = [f"{code},2025-{m:02d},{m}.5,," for code in codes for m in range(1, 13)]
    with django_assert_max_num_queries(40):
        result = import_measurements(csv_file(rows), "m.csv", user=world["admin"])
    assert result.ok and result.created == 600
    rows = [f"{code},2025-{m:02d},{m}.75,," for code in codes for m in range(1, 13)]
    with django_assert_max_num_queries(40):
        result = import_measurements(csv_file(rows), "m.csv", user=world["admin"])
    assert result.corrected == 600
    assert MeasurementCorrection.objects.count() == 600


# ---- real published data: NYC Mayor's Management Report ---------------------------------------


def mmr_slice():
    frame = pd.read_csv(REAL_MMR, dtype=str, keep_default_na=False)
    # Blank actuals (rows 40-49), "minutes:seconds" and "(000)" units, blank agencies (279+).
    return frame.iloc[[*range(40, 50), 194, 195, 208, 209, 279, 280, 281, 282]]


def mmr_to_import_format(frame):
    """Wide FY columns → our long format: one indicator per MMR id and fiscal year."""
    long = frame.melt(
        id_vars=["mmr_indicator_id"],
        value_vars=[f"fy{year}_actual" for year in range(2016, 2023)],
        var_name="fy",
        value_name="value",
    )
    long["year"] = long["fy"].str.slice(2, 6).astype(int)
    long["indicator_code"] = "MMR" + long["mmr_indicator_id"] + "-" + long["year"].astype(str)
    # A fiscal year ends in June: its full-year actual is reported for June.
    long["period"] = long["year"].astype(str) + "-06"
    long["source"] = "NYC Mayor's Management Report"
    return long[["indicator_code", "period", "value", "source"]]


def test_real_nyc_mmr_data_imports_exactly(db):
    frame = mmr_slice()
    admin = UserFactory(username="mmr-admin", is_superuser=True)
    cycles = {
        year: CycleFactory(
            year=year,
            start_date=datetime.date(year - 1, 7, 1),
            end_date=datetime.date(year, 6, 30),
        )
        for year in range(2016, 2023)
    }
    departments = {}
    for position, record in enumerate(frame.itertuples(index=False)):
        # Blank agency (library systems): the service names the reporting body.
        owner_name = record.agency or record.service
        if owner_name not in departments:
            departments[owner_name] = DepartmentFactory(name=owner_name, slug=f"nyc-{position}")
        for year, cycle in cycles.items():
            goal = GoalFactory(cycle=cycle, owner=departments[owner_name])
            IndicatorFactory(
                goal=goal,
                code=f"MMR{record.mmr_indicator_id}-{year}",
                name=record.indicator[:300],
                unit=record.unit_parsed_from_name,
                direction="higher" if record.desired_direction == "Up" else "lower",
            )
    long = mmr_to_import_format(frame)
    blanks = long["value"].str.strip() == ""
    assert blanks.sum() > 0  # the slice really has the real data's gaps

    # Kept in, a blank value is reported on its row (header is row 1) and nothing is written.
    with_blanks = io.BytesIO(long.to_csv(index=False).encode())
    result = import_measurements(with_blanks, "mmr.csv", user=admin)
    assert not result.ok
    assert Measurement.objects.count() == 0
    expected_rows = [int(i) + 2 for i in long.index[blanks]]
    assert [issue.row for issue in result.errors] == expected_rows
    assert {issue.column for issue in result.errors} == {"value"}
    assert all("missing" in issue.message for issue in result.errors)

    # Skipped (the honest treatment of "no figure"), the rest imports and every number is exact.
    present = long[~blanks]
    result = import_measurements(
        io.BytesIO(present.to_csv(index=False).encode()), "mmr.csv", user=admin
    )
    assert result.ok, result.errors
    assert result.created == len(present)
    stored = {
        (m.indicator.code, m.period): m.value
        for m in Measurement.objects.select_related("indicator")
    }
    for record in present.itertuples(index=False):
        key = (record.indicator_code, datetime.date.fromisoformat(record.period + "-01"))
        assert stored[key] == Decimal(record.value), key
    # "6.2" on a minutes:seconds indicator is stored as the published figure, not reinterpreted.
    assert stored[("MMR" + frame.iloc[10]["mmr_indicator_id"] + "-2022", datetime.date(2022, 6, 1))]
