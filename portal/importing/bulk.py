"""The import's bulk writes: COPY and UPDATE … FROM unnest(…) on PostgreSQL, and the audit
entries of every changed measurement, all from rows of plain values: building a model instance
per row cost more than the writes themselves (docs/decisions/0002-hand-written-sql.md)."""

from __future__ import annotations

import datetime
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from wagtail.log_actions import registry as log_registry

from portal.models import Measurement, MeasurementCorrection

# What Django's JSONField (a log entry's ``data``) writes: the same encoder and separators.
_encode_json = DjangoJSONEncoder().encode


def copy_rows(model, attnames: list[str], rows: list[tuple], *, new_ids: bool = False) -> list:
    """Insert ``rows`` of ``model``: tuples of the values of the fields ``attnames`` (JSON
    fields as their JSON text), with one COPY on PostgreSQL (bulk_create elsewhere).

    With ``new_ids`` the new primary keys are returned in the order of ``rows``.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        json_fields = {
            f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        objects = [
            model(
                **{
                    name: json.loads(value) if name in json_fields else value
                    for name, value in zip(attnames, row, strict=True)
                }
            )
            for row in rows
        ]
        model.objects.bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects] if new_ids else []
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in attnames]
    ids: list = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        if new_ids:
            # Sequence values are handed out in order within this transaction's nextval calls.
            pk = model._meta.pk
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(rows)],
            )
            ids = [value for (value,) in raw.fetchall()]
            columns = [pk.column, *columns]
            rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
        statement = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
        )
        with raw.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def insert_measurements(rows: list[tuple], *, entered_by_id, now: datetime.datetime) -> list:
    """Create measurements from (indicator id, month, value, note, source, …) rows; their ids."""
    return copy_rows(
        Measurement,
        [
            "indicator_id",
            "period",
            "value",
            "note",
            "source",
            "entered_by_id",
            "entered_at",
            "updated_at",
        ],
        [(*row[:5], entered_by_id, now, now) for row in rows],
        new_ids=True,
    )


def insert_corrections(rows: list[tuple], *, corrected_by_id, now: datetime.datetime) -> None:
    """Keep the history of corrected measurements: (measurement id, old value, new value, old
    note, old source, reason) rows, as portal.actions.correction_record makes them."""
    copy_rows(
        MeasurementCorrection,
        [
            "measurement_id",
            "old_value",
            "new_value",
            "old_note",
            "old_source",
            "reason",
            "corrected_by_id",
            "corrected_at",
        ],
        [(*row, corrected_by_id, now) for row in rows],
    )


def update_measurements(rows: list[tuple], *, now: datetime.datetime, batch_size: int) -> None:
    """Write the new value, note and source of (id, value, note, source) rows.

    Django's bulk_update builds one CASE per field and row and takes minutes for 50,000 rows; on
    PostgreSQL one UPDATE … FROM unnest(…) per batch does the same in about a second.
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
            batch_size=batch_size,
        )
        return
    table = connection.ops.quote_name(Measurement._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            ids, values, notes, sources = zip(*rows[start : start + batch_size], strict=True)
            # Four array parameters, not four placeholders per row: psycopg parses a query's
            # text on the client, and 5,000 placeholders took 1 s of a 720-row push batch's 3 s.
            cursor.execute(
                f"UPDATE {table} AS m SET value = v.value, note = v.note, source = v.source, "
                "updated_at = %s FROM unnest(%s::bigint[], %s::numeric[], %s::text[], "
                "%s::text[]) AS v(id, value, note, source) WHERE m.id = v.id",
                [now, list(ids), list(values), list(notes), list(sources)],
            )


def log_measurements(created, edited, *, user_id, action_id, timestamp) -> None:
    """One audit entry per changed measurement, as record_measurement's log() calls write them:
    ``created`` and ``edited`` are (measurement id, label, data) rows, the label being
    ``str(measurement)`` after the write and the data what the log() call is given."""
    log_model = log_registry.get_log_model_for_model(Measurement)
    if log_model is None:
        return
    content_type_id = ContentType.objects.get_for_model(Measurement, for_concrete_model=False).pk
    attnames = [
        "content_type_id", "label", "action", "data", "timestamp", "uuid", "user_id",
        "revision_id", "content_changed", "deleted", "object_id",
    ]  # fmt: skip
    entries = [
        (content_type_id, label, action, _encode_json(data), timestamp, action_id, user_id,
         None, False, False, str(pk))
        for action, rows in (("wagtail.create", created), ("wagtail.edit", edited))
        for pk, label, data in rows
    ]  # fmt: skip
    copy_rows(log_model, attnames, entries)
