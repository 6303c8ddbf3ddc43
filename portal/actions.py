"""Actions with side effects: recording measurements (with correction history)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from wagtail.log_actions import log

from portal.models import Indicator, Measurement, MeasurementCorrection

CREATED = "created"
CORRECTED = "corrected"
UNCHANGED = "unchanged"
UPDATED = "updated"


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
    note: str = "",
    source: str = "",
    reason: str = "",
) -> tuple[Measurement, str]:
    """Create or correct the value of ``indicator`` for the month of ``period``.

    A changed value keeps the earlier one as a MeasurementCorrection (who, when, why), because a
    published figure is never silently overwritten (DESIGN.md). The same value again is a no-op,
    which makes re-importing a file idempotent. Returns the measurement and what happened.
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
            note=note,
            source=source,
            entered_by=user if user and user.is_authenticated else None,
        )
        log(instance=measurement, action="wagtail.create", user=user)
        return measurement, CREATED
    if (
        existing.value == value
        and (not note or existing.note == note)
        and (not source or existing.source == source)
    ):
        return existing, UNCHANGED
    if existing.value != value:
        corrected_by = user if user and user.is_authenticated else None
        correction_record(existing, value, reason=reason, corrected_by=corrected_by).save(
            force_insert=True
        )
    old_value = existing.value
    existing.value = value
    if note:
        existing.note = note
    if source:
        existing.source = source
    existing.save()
    log(
        instance=existing,
        action="wagtail.edit",
        user=user,
        data={"old_value": str(old_value), "new_value": str(value), "reason": reason},
    )
    return existing, CORRECTED if old_value != value else UPDATED
