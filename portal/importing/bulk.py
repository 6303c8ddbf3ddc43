"""The import's bulk writes and the audit entries of every changed measurement, all from rows of
plain values: building a model instance per row cost more than the writes themselves
(docs/decisions/0002-hand-written-sql.md).

On PostgreSQL each write is one statement per few thousand rows whose rows arrive as a single
JSON parameter (``INSERT … SELECT … FROM jsonb_array_elements(%s)``, ``UPDATE … FROM`` the
same): psycopg encodes array parameters and COPY rows value by value in Python, and for a push
batch of 1,000 corrections that took 25 ms of the batch's 55 ms of Python; one ``orjson.dumps``
takes 0.5 ms and the database reads the JSON as fast. Other databases (the SQLite demo) get the
ORM's bulk_create and bulk_update.
"""

from __future__ import annotations

import datetime

import orjson
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from wagtail.log_actions import registry as log_registry

from portal.models import Measurement, MeasurementCorrection

# Rows per statement: a 50,000-row file goes in a few statements of bounded size.
CHUNK = 5000
_TEXT_FIELDS = (models.CharField, models.TextField)


def _json_rows(rows: list) -> str:
    # Decimals as their text, which PostgreSQL reads back exactly; dates, times and UUIDs in
    # their ISO form. orjson: 0.5 ms for a push batch's 1,000 corrections, json.dumps 6 ms.
    return orjson.dumps(rows, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _from_json(field, index: int) -> str:
    """The SQL reading ``field``'s value at ``index`` of a JSON row ``r``."""
    if isinstance(field, models.JSONField):
        return f"(r->{index})"
    if isinstance(field, _TEXT_FIELDS):
        # Not cast to varchar(n), which would cut a long text; the column refuses it instead.
        return f"(r->>{index})"
    return f"(r->>{index})::{field.db_type(connection)}"


def _parameter(field) -> str:
    return "%s::text" if isinstance(field, _TEXT_FIELDS) else f"%s::{field.db_type(connection)}"


def insert_rows(
    model, names: list[str], rows: list[tuple], constants: dict | None = None, *, returning=()
) -> list[tuple]:
    """Insert ``rows`` of ``model``: tuples of the values of the fields ``names`` (JSON fields
    as Python values), each row also given the ``constants`` (field name: value).

    Returns the values of the fields ``returning`` of the new rows, in no particular order.
    """
    if not rows:
        return []
    constants = constants or {}
    meta = model._meta
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(names, row, strict=True)), **constants) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        return [tuple(getattr(obj, name) for name in returning) for obj in objects]
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    fixed = [meta.get_field(name) for name in constants]
    columns = ", ".join(quote(field.column) for field in [*fields, *fixed])
    expressions = ", ".join(
        [_from_json(field, index) for index, field in enumerate(fields)]
        + [_parameter(field) for field in fixed]
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {expressions} "
        "FROM jsonb_array_elements(%s::jsonb) AS r"
    )
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fixed, constants.values(), strict=True)
    ]
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.execute(sql, [*values, _json_rows(rows[start : start + CHUNK])])
            if returning:
                returned += cursor.fetchall()
    return returned


def insert_measurements(rows: list[tuple], *, entered_by_id, now: datetime.datetime) -> list:
    """Create measurements from (indicator id, month, value, note, source, …) rows; their ids,
    in the order of ``rows``."""
    new = insert_rows(
        Measurement,
        ["indicator_id", "period", "value", "note", "source"],
        [row[:5] for row in rows],
        {"entered_by_id": entered_by_id, "entered_at": now, "updated_at": now},
        returning=("indicator_id", "period", "id"),
    )
    # An indicator has one measurement a month (a unique constraint): the pair names the row.
    ids = {(indicator_id, period): pk for indicator_id, period, pk in new}
    return [ids[row[0], row[1]] for row in rows]


def insert_corrections(rows: list[tuple], *, corrected_by_id, now: datetime.datetime) -> None:
    """Keep the history of corrected measurements: (measurement id, old value, new value, old
    note, old source, reason) rows, as portal.actions.correction_record makes them."""
    insert_rows(
        MeasurementCorrection,
        ["measurement_id", "old_value", "new_value", "old_note", "old_source", "reason"],
        rows,
        {"corrected_by_id": corrected_by_id, "corrected_at": now},
    )


def update_measurements(rows: list[tuple], *, now: datetime.datetime) -> None:
    """Write the new value, note and source of (id, value, note, source) rows.

    Django's bulk_update builds one CASE per field and row and takes minutes for 50,000 rows;
    one UPDATE … FROM the rows as JSON does the same in well under a second.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        Measurement.objects.bulk_update(
            [
                Measurement(pk=pk, value=value, note=note, source=source, updated_at=now)
                for pk, value, note, source in rows
            ],
            ["value", "note", "source", "updated_at"],
            batch_size=1000,
        )
        return
    table = connection.ops.quote_name(Measurement._meta.db_table)
    sql = (
        f"UPDATE {table} AS m SET value = (r->>1)::numeric, note = r->>2, source = r->>3, "
        "updated_at = %s FROM jsonb_array_elements(%s::jsonb) AS r WHERE m.id = (r->>0)::bigint"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.execute(sql, [now, _json_rows(rows[start : start + CHUNK])])


def log_measurements(created, edited, *, user_id, action_id, timestamp) -> None:
    """One audit entry per changed measurement, as record_measurement's log() calls write them:
    ``created`` and ``edited`` are (measurement id, label, data) rows, the label being
    ``str(measurement)`` after the write and the data what the log() call is given."""
    log_model = log_registry.get_log_model_for_model(Measurement)
    if log_model is None:
        return
    content_type = ContentType.objects.get_for_model(Measurement, for_concrete_model=False)
    insert_rows(
        log_model,
        ["object_id", "label", "action", "data"],
        [
            (str(pk), label, action, data)
            for action, rows in (("wagtail.create", created), ("wagtail.edit", edited))
            for pk, label, data in rows
        ],
        {
            "content_type_id": content_type.pk,
            "timestamp": timestamp,
            "uuid": action_id,
            "user_id": user_id,
            "revision_id": None,
            "content_changed": False,
            "deleted": False,
        },
    )
