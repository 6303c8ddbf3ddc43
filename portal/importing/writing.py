"""Checking parsed rows against the database and writing them all or nothing, with history."""

from __future__ import annotations

import dataclasses
import datetime
import json
import unicodedata
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import IO

import pandas as pd
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from portal import cache as portal_cache
from portal.actions import correction_record
from portal.importing.parsing import ImportIssue, parse_measurement_file
from portal.models import Cycle, Department, Indicator, Measurement, MeasurementCorrection
from portal.months import iso_month
from portal.permissions import can_manage_all_departments, editable_departments
from portal.signals import measurements_written

IMPORT_LOG_ACTION = "portal.import_measurements"
# Stored with the correction and shown publicly next to the old figure; domain content is Chinese.
DEFAULT_CORRECTION_REASON = "导入更正"
MAX_REPORTED_ERRORS = 200
MAX_REPORTED_CHANGES = 200


@dataclasses.dataclass
class ImportChange:
    """A published figure that the import changes (shown in the preview before confirming)."""

    row: int
    indicator_code: str
    period: datetime.date
    old_value: Decimal
    new_value: Decimal


@dataclasses.dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do); any error means nothing was written."""

    filename: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    corrected: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = dataclasses.field(default_factory=list)
    error_count: int = 0
    cycles: list[Cycle] = dataclasses.field(default_factory=list)
    changes: list[ImportChange] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        """Errors found beyond the ones listed (the report is capped)."""
        return self.error_count - len(self.errors)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def add_errors(self, issues: Iterable[ImportIssue]) -> None:
        for issue in issues:
            self.error_count += 1
            self.errors.append(issue)

    def cap_errors(self) -> None:
        """Order the report by row (file-level problems first) and keep the first ones."""
        self.errors.sort(key=lambda issue: issue.row or 0)
        del self.errors[MAX_REPORTED_ERRORS:]


def import_measurements(
    fileobj: IO[bytes],
    filename: str,
    *,
    user=None,
    department: Department | None = None,
    dry_run: bool = False,
    origin: dict | None = None,
) -> ImportResult:
    """Validate a measurement file and, when it has no error and this is not a dry run, write it.

    ``user`` is the editor importing; they may only import indicators of departments they may
    edit. ``user=None`` is a trusted system import (the management command run without --user by
    someone with shell access). ``department`` restricts the file to that department's
    indicators. Every row is validated first; on any error nothing is written. Otherwise, in one
    transaction: new values are created, changed values become corrections with the previous
    value kept (reason from the file's reason column, else 导入更正), every change is in Wagtail's
    audit log, each affected cycle is recomputed once, and one log entry summarises the import
    (with ``origin``, e.g. the shell account that ran the command, when there is no user).
    """
    result = ImportResult(filename=PurePath(filename or "").name, dry_run=dry_run)
    frame, issues = parse_measurement_file(fileobj, filename)
    result.add_errors(issues)
    result.rows = frame.attrs.get("data_rows", 0)
    if frame.empty:
        result.cap_errors()
        return result
    try:
        if dry_run:
            _apply(frame, result, user=user, department=department, write=False, origin=origin)
        else:
            with transaction.atomic():
                _apply(frame, result, user=user, department=department, write=True, origin=origin)
                if not result.ok:
                    transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved a value for the same month between our check and our write.
        result.add_errors(
            [
                ImportIssue(
                    None,
                    "",
                    _(
                        "Someone changed these figures while the file was being imported; try again."
                    ),
                )
            ]
        )
    result.cap_errors()
    if not result.ok:
        result.created = result.corrected = result.updated = result.unchanged = 0
        result.cycles = []
        result.changes = []
    return result


def _apply(
    frame: pd.DataFrame, result: ImportResult, *, user, department, write: bool, origin=None
) -> None:
    rows, issues = _check_rows(frame, user=user, department=department)
    if issues:
        result.add_errors(issues)
        return
    existing_qs = Measurement.objects.filter(
        indicator_id__in={indicator.pk for _record, indicator in rows},
        period__in=set(frame["period"]),
    )
    if write:
        # Locked like record_measurement's select_for_update, so a concurrent edit waits.
        existing_qs = existing_qs.select_for_update()
    existing = {(m.indicator_id, m.period): m for m in existing_qs}
    actor = user if user is not None and user.is_authenticated else None
    plan = _plan_changes(rows, existing, result, actor=actor)
    if write and (plan.to_create or plan.to_update):
        _write(plan, result, actor=actor, origin=origin)


def _check_rows(frame: pd.DataFrame, *, user, department) -> tuple[list, list[ImportIssue]]:
    """Pair each row with its indicator; refuse unknown codes, foreign departments, wrong months."""
    codes = frame["indicator_code"].unique().tolist()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=codes).select_related(
            "goal__cycle", "goal__owner"
        )
    }
    system = user is None
    allowed = None
    if not system and not can_manage_all_departments(user):
        allowed = set(editable_departments(user).values_list("pk", flat=True))
    if department is not None and not system and allowed is not None:
        if department.pk not in allowed:
            message = _("You may not import data for %(department)s.") % {"department": department}
            return [], [ImportIssue(None, "", message)]

    issues: list[ImportIssue] = []
    rows = []
    names = frame.attrs.get("columns", {})
    column = {key: names.get(key, key) for key in ("indicator_code", "period", "value")}
    for record in frame.itertuples(index=False):
        indicator = indicators.get(record.indicator_code)
        if indicator is None:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Unknown indicator code “%(code)s”.") % {"code": record.indicator_code},
                )
            )
            continue
        owner = indicator.goal.owner
        if department is not None and owner.pk != department.pk:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Indicator %(code)s belongs to %(owner)s, not to %(department)s.")
                    % {"code": indicator.code, "owner": owner, "department": department},
                )
            )
            continue
        if allowed is not None and owner.pk not in allowed:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("You may not edit indicator %(code)s: it belongs to %(owner)s.")
                    % {"code": indicator.code, "owner": owner},
                )
            )
            continue
        cycle = indicator.goal.cycle
        if not cycle.contains_month(record.period):
            issues.append(
                ImportIssue(
                    record.row,
                    column["period"],
                    _(
                        "%(month)s is outside the cycle of indicator %(code)s "
                        "(%(start)s to %(end)s)."
                    )
                    % {
                        "month": iso_month(record.period),
                        "code": indicator.code,
                        "start": iso_month(cycle.start_date),
                        "end": iso_month(cycle.end_date),
                    },
                )
            )
            continue
        if allowed is not None and cycle.closed:
            issues.append(
                ImportIssue(
                    record.row,
                    column["period"],
                    _(
                        "The %(year)s evaluation is closed: its figures are final. Ask a city "
                        "administrator if one must change."
                    )
                    % {"year": cycle.year},
                )
            )
            continue
        if record.percent and "%" not in unicodedata.normalize("NFKC", indicator.unit or ""):
            issues.append(
                ImportIssue(
                    record.row,
                    column["value"],
                    _(
                        "The value has a %% sign but indicator %(code)s is measured in "
                        "“%(unit)s”; write the number without %%."
                    )
                    % {"code": indicator.code, "unit": indicator.unit or "—"},
                )
            )
            continue
        rows.append((record, indicator))
    return rows, issues


@dataclasses.dataclass
class _Plan:
    """The writes an import needs, decided before any is made."""

    to_create: list[Measurement] = dataclasses.field(default_factory=list)
    to_update: list[Measurement] = dataclasses.field(default_factory=list)
    corrections: list[MeasurementCorrection] = dataclasses.field(default_factory=list)
    edit_logs: list[tuple[Measurement, dict]] = dataclasses.field(default_factory=list)
    now: datetime.datetime = dataclasses.field(default_factory=timezone.now)


def _plan_changes(rows, existing, result: ImportResult, *, actor) -> _Plan:
    """Classify every row as record_measurement would: created, corrected, updated, unchanged."""
    plan = _Plan()
    to_create, to_update = plan.to_create, plan.to_update
    corrections, edit_logs, now = plan.corrections, plan.edit_logs, plan.now
    affected: dict[int, Cycle] = {}
    for record, indicator in rows:
        # The same rules as portal.actions.record_measurement, applied in bulk.
        current = existing.get((indicator.pk, record.period))
        if current is None:
            result.created += 1
            to_create.append(
                Measurement(
                    indicator=indicator,
                    period=record.period,
                    value=record.value,
                    note=record.note,
                    source=record.source,
                    entered_by=actor,
                )
            )
            affected[indicator.goal.cycle.pk] = indicator.goal.cycle
            continue
        if (
            current.value == record.value
            and (not record.note or current.note == record.note)
            and (not record.source or current.source == record.source)
        ):
            result.unchanged += 1
            continue
        affected[indicator.goal.cycle.pk] = indicator.goal.cycle
        old_value = current.value
        reason = record.reason
        if old_value != record.value:
            result.corrected += 1
            reason = reason or DEFAULT_CORRECTION_REASON
            if len(result.changes) < MAX_REPORTED_CHANGES:
                result.changes.append(
                    ImportChange(record.row, indicator.code, record.period, old_value, record.value)
                )
            corrections.append(
                correction_record(current, record.value, reason=reason, corrected_by=actor)
            )
        else:
            result.updated += 1
        current.indicator = indicator
        current.value = record.value
        if record.note:
            current.note = record.note
        if record.source:
            current.source = record.source
        current.updated_at = now
        to_update.append(current)
        edit_logs.append(
            (
                current,
                {"old_value": str(old_value), "new_value": str(record.value), "reason": reason},
            )
        )
    result.cycles = sorted(affected.values(), key=lambda cycle: (cycle.year, cycle.pk))
    return plan


def _write(plan: _Plan, result: ImportResult, *, actor, origin=None) -> None:
    """Write the plan, recompute the affected cycles, and log one summary entry."""
    _insert(Measurement, plan.to_create, returning=True)
    _insert(MeasurementCorrection, plan.corrections)
    _update_measurements(plan.to_update, batch_size=1000)
    action_id = uuid.uuid4()
    _log_measurements(
        plan.to_create, plan.edit_logs, user=actor, action_id=action_id, timestamp=plan.now
    )
    # Bulk writes send no post_save signal, so invalidate the public page cache here, once,
    # and tell the apps that index monthly results which ones changed.
    portal_cache.bump_data_version()
    measurements_written.send(
        sender=Measurement,
        measurement_ids=[m.pk for m in plan.to_create] + [m.pk for m in plan.to_update],
    )

    from portal.evaluation import recompute_cycle

    for cycle in result.cycles:
        recompute_cycle(cycle)

    log(
        instance=result.cycles[-1],
        action=IMPORT_LOG_ACTION,
        user=actor,
        uuid=action_id,
        data={
            "filename": result.filename,
            "rows": result.rows,
            "created": result.created,
            "corrected": result.corrected,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "cycles": [cycle.year for cycle in result.cycles],
            **({"origin": origin} if origin else {}),
        },
        content_changed=True,
    )


def _insert(model, objects: list, *, returning: bool = False) -> None:
    """bulk_create, or on PostgreSQL a COPY, which is several times faster for 50,000 rows.

    With ``returning`` the new primary keys are set on the objects (the audit entries need them).
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    from psycopg.types.json import Jsonb  # PostgreSQL only; the demo on SQLite lacks psycopg

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        if returning:
            # Sequence values are handed out in order within this transaction's nextval calls.
            pk = model._meta.pk
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, raw.fetchall(), strict=True):
                obj.pk = value
            fields = [pk, *fields]
            columns = f"{connection.ops.quote_name(pk.column)}, {columns}"
        # Plain attribute values (Decimal, date, str, int, uuid) need no Django conversion; only
        # timestamps (auto_now) and JSON need preparing. This halves the time of a 50,000-row file.
        timestamps = {f.attname for f in fields if getattr(f, "auto_now", False)} | {
            f.attname for f in fields if getattr(f, "auto_now_add", False)
        }
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        now = timezone.now()
        attnames = [f.attname for f in fields]
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for name in timestamps:
                    setattr(obj, name, now)
                copy.write_row(
                    [
                        Jsonb(getattr(obj, name), dumps=_json_dumps)
                        if name in json_fields
                        else getattr(obj, name)
                        for name in attnames
                    ]
                )


def _json_dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _update_measurements(measurements: list[Measurement], *, batch_size: int) -> None:
    """Write new value, note and source of many measurements.

    Django's bulk_update builds one CASE per field and row and takes minutes for 50,000 rows; on
    PostgreSQL one UPDATE … FROM (VALUES …) per batch does the same in about a second.
    """
    if connection.vendor != "postgresql":
        Measurement.objects.bulk_update(
            measurements, ["value", "note", "source", "updated_at"], batch_size=batch_size
        )
        return
    table = connection.ops.quote_name(Measurement._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(measurements), batch_size):
            chunk = measurements[start : start + batch_size]
            placeholders = ", ".join(["(%s, %s::numeric, %s, %s, %s::timestamptz)"] * len(chunk))
            params = []
            for m in chunk:
                params += [m.pk, m.value, m.note, m.source, m.updated_at]
            cursor.execute(
                f"UPDATE {table} AS m SET value = v.value, note = v.note, source = v.source, "
                f"updated_at = v.updated_at FROM (VALUES {placeholders}) "
                "AS v(id, value, note, source, updated_at) WHERE m.id = v.id",
                params,
            )


def _log_measurements(created, edited, *, user, action_id, timestamp) -> None:
    """One audit entry per changed measurement, as record_measurement's log() calls write them."""
    log_model = log_registry.get_log_model_for_model(Measurement)
    if log_model is None:
        return
    content_type = ContentType.objects.get_for_model(Measurement, for_concrete_model=False)
    entries = [
        log_model(
            content_type=content_type,
            label=str(measurement),
            action="wagtail.create",
            timestamp=timestamp,
            data={},
            user=user,
            uuid=action_id,
            object_id=str(measurement.pk),
        )
        for measurement in created
    ]
    entries += [
        log_model(
            content_type=content_type,
            label=str(measurement),
            action="wagtail.edit",
            timestamp=timestamp,
            data=data,
            user=user,
            uuid=action_id,
            object_id=str(measurement.pk),
        )
        for measurement, data in edited
    ]
    _insert(log_model, entries)


def error_report_lines(result: ImportResult) -> list[str]:
    """The error report as plain lines (the management command prints these)."""
    lines = []
    for issue in result.errors:
        where = []
        if issue.row is not None:
            where.append(_("row %(row)s") % {"row": issue.row})
        if issue.column:
            where.append(_("column %(column)s") % {"column": issue.column})
        prefix = ", ".join(where)
        lines.append(f"{prefix}: {issue.message}" if prefix else issue.message)
    if result.more_errors:
        lines.append(
            ngettext(
                "… and %(count)s more error.", "… and %(count)s more errors.", result.more_errors
            )
            % {"count": result.more_errors}
        )
    return lines


def summary_line(result: ImportResult) -> str:
    """One sentence with the counts, for messages and the command's output."""
    counts = {
        "created": result.created,
        "corrected": result.corrected,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if result.dry_run:
        return (
            _(
                "Nothing written (dry run). Would create %(created)s, correct %(corrected)s, "
                "update the note or source of %(updated)s; %(unchanged)s unchanged."
            )
            % counts
        )
    return (
        _(
            "Imported: %(created)s new, %(corrected)s corrected, %(updated)s note or source "
            "updated, %(unchanged)s unchanged."
        )
        % counts
    )
