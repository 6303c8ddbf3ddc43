"""Checking parsed rows against the database and writing them all or nothing, with history."""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from portal import cache as portal_cache
from portal.importing import bulk
from portal.importing.parsing import (
    CYCLE,
    DEPARTMENT,
    ImportIssue,
    ParsedRows,
    parse_measurement_file,
    parse_measurement_records,
)
from portal.models import Cycle, Department, Indicator, Measurement
from portal.months import iso_month
from portal.permissions import can_manage_all_departments, editable_departments
from portal.recompute import schedule_recompute
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
    closed_cycles: bool = True,
    recompute_later: bool = False,
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
    ``closed_cycles=False`` refuses rows of a closed cycle, as for department editors (whom it
    always refuses): a department's system sending data is held to its editors' rule.
    ``recompute_later`` leaves the affected cycles' statuses and scores to a background task
    instead of recomputing them before returning.
    """
    rows, issues = parse_measurement_file(fileobj, filename)
    return import_parsed(
        rows,
        issues,
        filename,
        user=user,
        department=department,
        dry_run=dry_run,
        origin=origin,
        closed_cycles=closed_cycles,
        recompute_later=recompute_later,
    )


def import_measurement_records(records: list, name: str, **options) -> ImportResult:
    """``import_measurements`` for measurements given as a list of objects (parsed JSON: the
    push API, a pulled JSON file); ``name`` stands for the file name in the result and log."""
    rows, issues = parse_measurement_records(records)
    return import_parsed(rows, issues, name, **options)


def import_parsed(
    rows: ParsedRows,
    issues: list[ImportIssue],
    filename: str,
    *,
    user=None,
    department: Department | None = None,
    dry_run: bool = False,
    origin: dict | None = None,
    closed_cycles: bool = True,
    recompute_later: bool = False,
) -> ImportResult:
    """Check and write rows already parsed (see import_measurements)."""
    options = {
        "recompute_later": recompute_later,
        "user": user,
        "department": department,
        "origin": origin,
        "closed_cycles": closed_cycles,
    }
    result = ImportResult(filename=PurePath(filename or "").name, dry_run=dry_run)
    result.add_errors(issues)
    result.rows = rows.data_rows
    if not rows:
        result.cap_errors()
        return result
    try:
        if dry_run:
            _apply(rows, result, write=False, **options)
        else:
            with transaction.atomic():
                _apply(rows, result, write=True, **options)
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
    rows: ParsedRows,
    result: ImportResult,
    *,
    user,
    department,
    write: bool,
    origin=None,
    closed_cycles: bool,
    recompute_later: bool = False,
) -> None:
    checked, issues = _check_rows(
        rows, user=user, department=department, closed_cycles=closed_cycles
    )
    if issues:
        result.add_errors(issues)
        return
    # Locked when writing, like record_measurement's select_for_update: a concurrent edit waits.
    existing = Measurement.objects.current_values(
        {indicator_id for _record, indicator_id, _cycle in checked},
        {record.period for record in rows},
        lock=write,
    )
    actor = user if user is not None and user.is_authenticated else None
    plan = _plan_changes(checked, existing, result)
    if write and (plan.created or plan.updated):
        _write(plan, result, actor=actor, origin=origin, recompute_later=recompute_later)


def _check_rows(
    rows: ParsedRows, *, user, department, closed_cycles: bool
) -> tuple[list, list[ImportIssue]]:
    """Pair each row with its indicator and the indicator's cycle; refuse unknown codes,
    foreign departments and wrong months."""
    # Plain tuples, then the few cycles and (for a message) departments as models: an
    # indicator model carries JSON fields that cost more to read than the rest of the check.
    known = {
        code: (pk, unit or "", owner_id, cycle_id)
        for code, pk, unit, owner_id, cycle_id in Indicator.objects.filter(
            code__in={record.indicator_code for record in rows}
        )
        .order_by()
        .values_list("code", "pk", "unit", "goal__owner_id", "goal__cycle_id")
    }
    cycles = Cycle.objects.in_bulk({entry[3] for entry in known.values()})
    percent_units = {unit for _pk, unit, *_ids in known.values()}
    percent_units = {unit for unit in percent_units if "%" in unicodedata.normalize("NFKC", unit)}
    owners: dict[int, Department] = {}

    def owner_of(owner_id: int) -> Department:
        if owner_id not in owners:
            owners[owner_id] = Department.objects.get(pk=owner_id)
        return owners[owner_id]

    system = user is None
    allowed = None
    if not system and not can_manage_all_departments(user):
        allowed = set(editable_departments(user).values_list("pk", flat=True))
    if department is not None and not system and allowed is not None:
        if department.pk not in allowed:
            message = _("You may not import data for %(department)s.") % {"department": department}
            return [], [ImportIssue(None, "", message)]

    issues: list[ImportIssue] = []
    checked = []
    column = {key: rows.columns.get(key, key) for key in ("indicator_code", "period", "value")}
    for record in rows:
        entry = known.get(record.indicator_code)
        if entry is None:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Unknown indicator code “%(code)s”.") % {"code": record.indicator_code},
                )
            )
            continue
        code = record.indicator_code
        indicator_id, unit, owner_id, cycle_id = entry
        if department is not None and owner_id != department.pk:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Indicator %(code)s belongs to %(owner)s, not to %(department)s.")
                    % {"code": code, "owner": owner_of(owner_id), "department": department},
                    DEPARTMENT,
                )
            )
            continue
        if allowed is not None and owner_id not in allowed:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("You may not edit indicator %(code)s: it belongs to %(owner)s.")
                    % {"code": code, "owner": owner_of(owner_id)},
                    DEPARTMENT,
                )
            )
            continue
        cycle = cycles[cycle_id]
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
                        "code": code,
                        "start": iso_month(cycle.start_date),
                        "end": iso_month(cycle.end_date),
                    },
                    CYCLE,
                )
            )
            continue
        if cycle.closed and (allowed is not None or not closed_cycles):
            issues.append(
                ImportIssue(
                    record.row,
                    column["period"],
                    _(
                        "The %(year)s evaluation is closed: its figures are final. Ask a city "
                        "administrator if one must change."
                    )
                    % {"year": cycle.year},
                    CYCLE,
                )
            )
            continue
        if record.percent and unit not in percent_units:
            issues.append(
                ImportIssue(
                    record.row,
                    column["value"],
                    _(
                        "The value has a %% sign but indicator %(code)s is measured in "
                        "“%(unit)s”; write the number without %%."
                    )
                    % {"code": code, "unit": unit or "—"},
                )
            )
            continue
        checked.append((record, indicator_id, cycle))
    return checked, issues


@dataclasses.dataclass
class _Plan:
    """The writes an import needs, decided before any is made, as rows of plain values."""

    #: (indicator id, month, value, note, source, label) of each new measurement
    created: list[tuple] = dataclasses.field(default_factory=list)
    #: (id, value, note, source) of each changed measurement
    updated: list[tuple] = dataclasses.field(default_factory=list)
    #: (measurement id, old value, new value, old note, old source, reason) of each correction
    corrections: list[tuple] = dataclasses.field(default_factory=list)
    #: (measurement id, label, data) of each changed measurement's audit entry
    edit_logs: list[tuple] = dataclasses.field(default_factory=list)
    now: datetime.datetime = dataclasses.field(default_factory=timezone.now)


def _plan_changes(checked, existing, result: ImportResult) -> _Plan:
    """Classify every row as record_measurement would: created, corrected, updated, unchanged."""
    plan = _Plan()
    created, updated, corrections, edit_logs = (
        plan.created,
        plan.updated,
        plan.corrections,
        plan.edit_logs,
    )
    affected: dict[int, Cycle] = {}
    months: dict[datetime.date, str] = {}
    for record, indicator_id, cycle in checked:
        # The same rules as portal.actions.record_measurement, applied in bulk.
        period, value, note, source = record.period, record.value, record.note, record.source
        month = months.get(period) or months.setdefault(period, iso_month(period))
        # What str(measurement) gives after the write: the label of its audit entry.
        code = record.indicator_code
        label = f"{code} {month}: {value}"
        current = existing.get((indicator_id, period))
        if current is None:
            result.created += 1
            created.append((indicator_id, period, value, note, source, label))
            affected[cycle.pk] = cycle
            continue
        pk, old_value, old_note, old_source = current
        if (
            old_value == value
            and (not note or old_note == note)
            and (not source or old_source == source)
        ):
            result.unchanged += 1
            continue
        affected[cycle.pk] = cycle
        reason = record.reason
        if old_value != value:
            result.corrected += 1
            reason = reason or DEFAULT_CORRECTION_REASON
            if len(result.changes) < MAX_REPORTED_CHANGES:
                result.changes.append(ImportChange(record.row, code, period, old_value, value))
            # What portal.actions.correction_record keeps: the earlier value, note and source.
            corrections.append((pk, old_value, value, old_note, old_source, reason))
        else:
            result.updated += 1
        updated.append((pk, value, note or old_note, source or old_source))
        edit_logs.append(
            (pk, label, {"old_value": str(old_value), "new_value": str(value), "reason": reason})
        )
    result.cycles = sorted(affected.values(), key=lambda cycle: (cycle.year, cycle.pk))
    return plan


def _write(plan: _Plan, result: ImportResult, *, actor, origin=None, recompute_later=False) -> None:
    """Write the plan, recompute the affected cycles, and log one summary entry."""
    actor_id = actor.pk if actor is not None else None
    created_ids = bulk.insert_measurements(plan.created, entered_by_id=actor_id, now=plan.now)
    bulk.insert_corrections(plan.corrections, corrected_by_id=actor_id, now=plan.now)
    bulk.update_measurements(plan.updated, now=plan.now)
    action_id = uuid.uuid4()
    bulk.log_measurements(
        [(pk, row[-1], {}) for pk, row in zip(created_ids, plan.created, strict=True)],
        plan.edit_logs,
        user_id=actor_id,
        action_id=action_id,
        timestamp=plan.now,
    )
    # Bulk writes send no post_save signal, so invalidate the public page cache here, once,
    # and tell the apps that index monthly results which ones changed.
    portal_cache.bump_data_version()
    measurements_written.send(
        sender=Measurement,
        measurement_ids=created_ids + [row[0] for row in plan.updated],
    )

    if recompute_later:
        # Statuses and scores follow in the background, one recompute per cycle however many
        # batches arrive meanwhile (a scale-10 cycle takes seconds: the push API cannot wait).
        schedule_recompute([cycle.pk for cycle in result.cycles], coalesce=True)
    else:
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
