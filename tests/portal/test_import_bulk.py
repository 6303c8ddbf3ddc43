"""The import's bulk writes: plain rows, not a model per row, with the same rows written as
record_measurement writes one at a time (docs/decisions/0002-hand-written-sql.md)."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models.signals import pre_init
from wagtail.models import ModelLogEntry

from portal.actions import record_measurement
from portal.factories import IndicatorFactory, MeasurementFactory
from portal.importing import import_measurement_records, import_measurements
from portal.models import Measurement, MeasurementCorrection
from tests.builders import build_import_world, csv_file

ENTRY_FIELDS = (
    "content_type",
    "label",
    "action",
    "data",
    "user",
    "revision",
    "content_changed",
    "deleted",
)


@pytest.fixture
def world(db):
    return build_import_world()


@contextlib.contextmanager
def models_made():
    """The models instantiated inside the block (Django sends pre_init for each)."""
    made = []

    def seen(sender, **kwargs):
        made.append(sender)

    pre_init.connect(seen, weak=False)
    try:
        yield made
    finally:
        pre_init.disconnect(seen)


def _batch_of(world, count: int) -> list[dict]:
    """``count`` rows: the first month of each of ``count`` indicators, every other one stored
    already with another value (a correction), the rest new."""
    rows = []
    for number in range(count):
        indicator = IndicatorFactory(goal=world["rate"].goal, code=f"C-{count:02d}-{number:02d}")
        if number % 2:
            MeasurementFactory(indicator=indicator, period=datetime.date(2025, 1, 1), value=1)
        rows.append({"indicator_code": indicator.code, "period": "2025-01", "value": 2})
    return rows


def test_a_larger_batch_makes_no_more_model_instances(world):
    """A batch is read, checked and written as plain rows: the models an import makes (the few
    cycles, the summary log entry) do not grow with its rows. Making a Measurement, a correction
    and a log entry per row cost more than the writes themselves (a 720-row push batch: 105 ms
    of CPU before, 36 ms after)."""
    made = {}
    for count in (2, 20):
        batch = _batch_of(world, count)
        with models_made() as counted:
            result = import_measurement_records(batch, "push.json", department=world["own"])
        assert result.ok, result.errors
        assert (result.created, result.corrected) == (count // 2, count // 2)
        made[count] = len(counted)
    assert made[20] <= made[2]  # the first import also fills caches
    assert Measurement.objects.filter(indicator__code__startswith="C-20-").count() == 20
    assert (
        MeasurementCorrection.objects.filter(
            measurement__indicator__code__startswith="C-20-"
        ).count()
        == 10
    )


def test_an_imported_measurements_audit_entries_are_record_measurements(world):
    """The entries a bulk import writes are the ones record_measurement's log() calls write
    (the admin's history views render them): label, action, data and flags alike."""
    march, april = datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)
    for indicator in (world["rate"], world["count"]):
        MeasurementFactory(indicator=indicator, period=march, value=Decimal("1.5"))
    # One at a time for A-01 (values as an import stores them), the same in one import for A-02.
    record_measurement(world["rate"], march, Decimal("2.2500"), user=world["admin"], reason="r")
    record_measurement(world["rate"], april, Decimal("7.0000"), user=world["admin"])
    result = import_measurements(
        csv_file(
            ["A-02,2025-03,2.25,,,r", "A-02,2025-04,7,,,"], header="code,期间,值,备注,来源,原因"
        ),
        "m.csv",
        user=world["admin"],
    )
    assert result.ok, result.errors

    def entries(indicator):
        rows = []
        for period in (march, april):
            measurement = Measurement.objects.get(indicator=indicator, period=period)
            entry = ModelLogEntry.objects.get(
                object_id=str(measurement.pk), action__startswith="wagtail."
            )
            values = [getattr(entry, name) for name in ENTRY_FIELDS]
            rows.append([str(value).replace("A-02", "A-01") for value in values])
        return rows

    assert entries(world["count"]) == entries(world["rate"])
    assert entries(world["rate"])[0][1] == "A-01 2025-03: 2.2500"


def test_texts_with_tabs_backslashes_and_line_breaks_are_written_as_sent(world):
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=1)
    reason = '口径调整\t见 C:\\data\\说明\n第二行 "引号" \u2028 \U0001f4ca'
    result = import_measurement_records(
        [
            {"indicator_code": "A-01", "period": "2025-01", "value": 2, "reason": reason},
            {"indicator_code": "A-02", "period": "2025-01", "value": 3, "note": "a\\tb\r\nc"},
        ],
        "push.json",
        department=world["own"],
    )
    assert result.ok, result.errors
    assert MeasurementCorrection.objects.get().reason == reason
    assert Measurement.objects.get(indicator=world["count"]).note == "a\\tb\r\nc"
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    assert entry.data == {"old_value": "1.0000", "new_value": "2.0000", "reason": reason}


def test_a_text_with_a_nul_character_is_refused_with_its_row(world, english):
    # JSON can carry "\u0000"; PostgreSQL cannot store it, and the batch must not fail with a 500.
    result = import_measurement_records(
        [
            {"indicator_code": "A-01", "period": "2025-01", "value": 2},
            {"indicator_code": "A-02", "period": "2025-01", "value": 3, "source": "a\x00b"},
        ],
        "push.json",
        department=world["own"],
    )
    assert [(issue.row, issue.column) for issue in result.errors] == [(2, "source")]
    assert "NUL" in result.errors[0].message
    assert not Measurement.objects.exists()


def test_a_month_saved_meanwhile_refuses_the_batch(world, monkeypatch, english):
    """Someone saved a figure of the batch after the import read the stored ones: the batch is
    refused whole with a message to try again (not a server error)."""
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=1)
    monkeypatch.setattr(type(Measurement.objects), "current_values", lambda *a, **k: {})
    result = import_measurement_records(
        [
            {"indicator_code": "A-02", "period": "2025-01", "value": 3},
            {"indicator_code": "A-01", "period": "2025-01", "value": 2},
        ],
        "push.json",
        department=world["own"],
    )
    assert [issue.message for issue in result.errors] == [
        "Someone changed these figures while the file was being imported; try again."
    ]
    assert list(Measurement.objects.values_list("indicator__code", "value")) == [("A-01", 1)]


@pytest.mark.django_db(transaction=True)
def test_an_import_locks_its_measurements_not_their_indicators():
    """While an import's transaction runs, an editor (or the recompute task) may still save
    the indicators it writes figures of; only the figures themselves wait."""
    world = build_import_world()
    measurement = MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1))
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            Measurement.objects.current_values({world["rate"].pk}, {measurement.period}, lock=True)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM portal_indicator WHERE id = %s FOR UPDATE NOWAIT",
                    [world["rate"].pk],
                )
                with pytest.raises(OperationalError, match="lock"):
                    cursor.execute(
                        "SELECT id FROM portal_measurement WHERE id = %s FOR UPDATE NOWAIT",
                        [measurement.pk],
                    )
    finally:
        other.close()
