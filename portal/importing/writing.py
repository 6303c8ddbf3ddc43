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

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from portal import cache as portal_cache
from portal.actions import correction_record
from portal.importing import bulk
from portal.importing.parsing import (
    CYCLE,
    DEPARTMENT,
    ImportIssue,
    parse_measurement_file,
    parse_measurement_records,
)
from portal.models import Cycle, Department, Indicator, Measurement, MeasurementCorrection
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
    frame, issues = parse_measurement_file(fileobj, filename)
    return import_parsed(
        frame,
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
    frame, issues = parse_measurement_records(records)
    return import_parsed(frame, issues, name, **options)


def import_parsed(
    frame: pd.DataFrame,
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
    result.rows = frame.attrs.get("data_rows", 0)
    if frame.empty:
        result.cap_errors()
        return result
    try:
        if dry_run:
            _apply(frame, result, write=False, **options)
        else:
            with transaction.atomic():
                _apply(frame, result, write=True, **options)
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
    frame: pd.DataFrame,
    result: ImportResult,
    *,
    user,
    department,
    write: bool,
    origin=None,
    closed_cycles: bool,
    recompute_later: bool = False,
) -> None:
    rows, issues = _check_rows(frame, user=user, department=department, closed_cycles=closed_cycles)
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
        _write(plan, result, actor=actor, origin=origin, recompute_later=recompute_later)


def _check_rows(
    frame: pd.DataFrame, *, user, department, closed_cycles: bool
) -> tuple[list, list[ImportIssue]]:
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
                    DEPARTMENT,
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
                    DEPARTMENT,
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


def _write(plan: _Plan, result: ImportResult, *, actor, origin=None, recompute_later=False) -> None:
    """Write the plan, recompute the affected cycles, and log one summary entry."""
    bulk.insert(Measurement, plan.to_create, returning=True)
    bulk.insert(MeasurementCorrection, plan.corrections)
    bulk.update_measurements(plan.to_update, batch_size=1000)
    action_id = uuid.uuid4()
    bulk.log_measurements(
        plan.to_create, plan.edit_logs, user=actor, action_id=action_id, timestamp=plan.now
    )
    # Bulk writes send no post_save signal, so invalidate the public page cache here, once,
    # and tell the apps that index monthly results which ones changed.
    portal_cache.bump_data_version()
    measurements_written.send(
        sender=Measurement,
        measurement_ids=[m.pk for m in plan.to_create] + [m.pk for m in plan.to_update],
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
