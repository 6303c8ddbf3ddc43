"""Actions with side effects: recording measurements (with correction history) and target
adjustments (requested, approved or rejected)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.models import (
    ADJUSTABLE_FIELDS,
    Indicator,
    Measurement,
    MeasurementCorrection,
    TargetAdjustment,
)

CREATED = "created"
CORRECTED = "corrected"
UNCHANGED = "unchanged"
UPDATED = "updated"
# Audit log actions of a target adjustment's decision (registered in portal.wagtail_hooks).
ADJUSTMENT_APPROVED = "portal.adjustment.approve"
ADJUSTMENT_REJECTED = "portal.adjustment.reject"


def correction_record(
    measurement: Measurement, new_value: Decimal, *, reason: str, corrected_by
) -> MeasurementCorrection:
    """The history entry of a correction, unsaved: the earlier value, note and source of
    ``measurement`` (read before it changes), the new value, why, and who corrected it.

    ``record_measurement`` saves it; the bulk import collects many and inserts them at once.
    """
    return MeasurementCorrection(
        measurement=measurement,
        old_value=measurement.value,
        new_value=new_value,
        old_note=measurement.note,
        old_source=measurement.source,
        reason=reason,
        corrected_by=corrected_by,
    )


@transaction.atomic
def record_measurement(
    indicator: Indicator,
    period: datetime.date,
    value: Decimal,
    *,
    user=None,
    note: str | None = None,
    source: str | None = None,
    reason: str = "",
) -> tuple[Measurement, str]:
    """Create or correct the value of ``indicator`` for the month of ``period``.

    A changed value keeps the earlier one as a MeasurementCorrection (who, when, why), because a
    published figure is never silently overwritten (DESIGN.md). The same value again is a no-op,
    which makes re-importing a file idempotent. ``note`` and ``source`` replace the stored ones,
    an empty text clearing them (an editor's emptied field); None keeps them. Returns the
    measurement and what happened.
    """
    period = period.replace(day=1)
    value = Decimal(value)
    existing = (
        Measurement.objects.select_for_update().filter(indicator=indicator, period=period).first()
    )
    if existing is None:
        measurement = Measurement.objects.create(
            indicator=indicator,
            period=period,
            value=value,
            note=note or "",
            source=source or "",
            entered_by=user if user and user.is_authenticated else None,
        )
        log(instance=measurement, action="wagtail.create", user=user)
        return measurement, CREATED
    if (
        existing.value == value
        and (note is None or existing.note == note)
        and (source is None or existing.source == source)
    ):
        return existing, UNCHANGED
    if existing.value != value:
        corrected_by = user if user and user.is_authenticated else None
        correction_record(existing, value, reason=reason, corrected_by=corrected_by).save(
            force_insert=True
        )
    old_value = existing.value
    existing.value = value
    if note is not None:
        existing.note = note
    if source is not None:
        existing.source = source
    existing.save()
    log(
        instance=existing,
        action="wagtail.edit",
        user=user,
        data={"old_value": str(old_value), "new_value": str(value), "reason": reason},
    )
    return existing, CORRECTED if old_value != value else UPDATED


# --- target adjustments (目标调整) ---------------------------------------------------------------


class AdjustmentError(Exception):
    """A target adjustment that cannot be requested or decided; the message says why."""


def term_text(indicator: Indicator, field: str) -> str:
    """The stored value of an adjustable term as an adjustment records it."""
    value = getattr(indicator, field)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _checked_value(indicator: Indicator, field: str, text: str):
    """``text`` as a value of ``field``, validated the way the indicator's form validates it."""
    model_field = Indicator._meta.get_field(field)
    text = (text or "").strip()
    if text == "" and model_field.null:
        return None
    try:
        value = model_field.clean(text, indicator)
    except ValidationError as error:
        raise AdjustmentError(" ".join(error.messages)) from error
    return value


@transaction.atomic
def request_adjustment(
    indicator: Indicator,
    field: str,
    new_value: str,
    *,
    reason: str,
    effective_from: datetime.date,
    user,
) -> TargetAdjustment:
    """Record a department's request to change ``field`` of ``indicator`` from
    ``effective_from`` on; nothing changes until a city administrator approves it."""
    if field not in ADJUSTABLE_FIELDS:
        raise AdjustmentError(_("Only the target, baseline, weight or direction is adjusted."))
    reason = (reason or "").strip()
    if not reason:
        raise AdjustmentError(_("Say why the value must change: the reason is published."))
    cycle = indicator.goal.cycle
    effective_from = effective_from.replace(day=1)
    if not cycle.contains_month(effective_from):
        raise AdjustmentError(_("The effective month must lie within the indicator's cycle."))
    value = _checked_value(indicator, field, new_value)
    old = term_text(indicator, field)
    new = (
        ""
        if value is None
        else (f"{value.normalize():f}" if isinstance(value, Decimal) else str(value))
    )
    if new == old:
        raise AdjustmentError(_("The adjusted value is the value already in force."))
    if TargetAdjustment.objects.pending().filter(indicator=indicator, field=field).exists():
        raise AdjustmentError(
            _("A request to adjust this value is already waiting for a decision.")
        )
    adjustment = TargetAdjustment.objects.create(
        indicator=indicator,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason,
        effective_from=effective_from,
        requested_by=user if user and user.is_authenticated else None,
    )
    log(instance=adjustment, action="wagtail.create", user=user)
    return adjustment


def _decide(adjustment: TargetAdjustment, user) -> TargetAdjustment:
    """Lock the request and check that ``user`` may decide it."""
    from portal.permissions import can_manage_all_departments

    if not can_manage_all_departments(user):
        raise AdjustmentError(_("Only a city administrator decides a target adjustment."))
    locked = TargetAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if locked.state != TargetAdjustment.State.REQUESTED:
        raise AdjustmentError(_("This request has already been decided."))
    return locked


@transaction.atomic
def approve_adjustment(adjustment: TargetAdjustment, user) -> TargetAdjustment:
    """Apply an approved adjustment in one transaction: the indicator's term changes, its
    public history (``Indicator.adjustments``) gains the entry, the audit log records both,
    and the cycle is recomputed once the transaction commits."""
    from portal.recompute import affected_cycle_ids, schedule_recompute

    adjustment = _decide(adjustment, user)
    indicator = Indicator.objects.select_for_update().get(pk=adjustment.indicator_id)
    if term_text(indicator, adjustment.field) != adjustment.old_value:
        raise AdjustmentError(
            _(
                "The value has changed since this request was made (now %(value)s): "
                "reject it and request again."
            )
            % {"value": term_text(indicator, adjustment.field) or "—"}
        )
    setattr(
        indicator,
        adjustment.field,
        _checked_value(indicator, adjustment.field, adjustment.new_value),
    )
    try:
        indicator.full_clean(exclude=["goal", "code"])
    except ValidationError as error:
        raise AdjustmentError(" ".join(error.messages)) from error
    decided_at = timezone.now()
    indicator.adjustments = [
        *(indicator.adjustments or []),
        {
            "id": adjustment.pk,
            "field": adjustment.field,
            "old": adjustment.old_value,
            "new": adjustment.new_value,
            "effective_from": adjustment.effective_from.strftime("%Y-%m"),
            "decided_on": timezone.localtime(decided_at).date().isoformat(),
            "reason": adjustment.reason,
        },
    ]
    indicator.save(update_fields=[adjustment.field, "adjustments"])
    adjustment.state = TargetAdjustment.State.APPROVED
    adjustment.decided_by = user
    adjustment.decided_at = decided_at
    adjustment.save(update_fields=["state", "decided_by", "decided_at"])
    data = {
        "field": adjustment.field,
        "old_value": adjustment.old_value,
        "new_value": adjustment.new_value,
        "effective_from": adjustment.effective_from.isoformat(),
        "reason": adjustment.reason,
    }
    log(instance=adjustment, action=ADJUSTMENT_APPROVED, user=user, data=data)
    log(instance=indicator, action="wagtail.edit", user=user, data=data)
    schedule_recompute(affected_cycle_ids(indicator))
    return adjustment


@transaction.atomic
def reject_adjustment(adjustment: TargetAdjustment, user) -> TargetAdjustment:
    """Refuse a request: nothing changes on the indicator; the decision is logged."""
    adjustment = _decide(adjustment, user)
    adjustment.state = TargetAdjustment.State.REJECTED
    adjustment.decided_by = user
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["state", "decided_by", "decided_at"])
    log(instance=adjustment, action=ADJUSTMENT_REJECTED, user=user)
    return adjustment
