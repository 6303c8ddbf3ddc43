"""Monthly figures of an indicator and the corrections that keep their history."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from portal.models.departments import Department
from portal.models.goals import Indicator
from portal.models.reading import RowReader
from portal.months import iso_month


@functools.cache
def _figures_sql() -> tuple[str, RowReader]:
    """The SQL of ``figures`` and the reader of its rows, built once."""
    meta = Measurement._meta
    quote = connection.ops.quote_name
    reader = RowReader(Measurement, [meta.get_field("period"), meta.get_field("value")])
    period = quote(meta.get_field("period").column)
    sql = (
        f"SELECT {reader.columns('m')} FROM {quote(meta.db_table)} m"
        f" WHERE m.{quote(meta.get_field('indicator').column)} = %s"
        f" AND m.{period} >= %s AND m.{period} <= %s"
    )
    return sql, reader


class MeasurementManager(models.Manager):
    def figures(
        self, indicator_id: int, first: datetime.date, last: datetime.date
    ) -> dict[datetime.date, Decimal]:
        """An indicator's figures from month ``first`` to ``last``, by month: what its page's
        chart and table are drawn from. Hand-written: the ORM compiled this one-index lookup
        for longer than PostgreSQL ran it (docs/decisions/0002-hand-written-sql.md)."""
        sql, reader = _figures_sql()
        adapt = connection.ops.adapt_datefield_value
        with connection.cursor() as cursor:
            cursor.execute(sql, [indicator_id, adapt(first), adapt(last)])
            rows = cursor.fetchall()
        return dict(reader.values(row) for row in rows)

    def current_values(self, indicator_ids, periods, *, lock: bool = False) -> dict:
        """``{(indicator id, month): (id, value, note, source)}`` of the stored measurements of
        ``indicator_ids`` in ``periods`` (as plain tuples: an import reads a thousand at a time).

        With ``lock`` they are locked as ``record_measurement`` locks the one it corrects
        (``select_for_update``): a concurrent edit of one of them waits for the transaction.
        """
        # Locked in one order (two imports never wait on each other crosswise), but not the
        # model's: that joins the indicators and goals, and FOR UPDATE would lock their rows
        # too (10 ms of a 1,000-row push batch, and a recompute of the cycle waiting on them).
        queryset = (
            self.filter(indicator_id__in=indicator_ids, period__in=periods)
            .order_by("indicator_id", "period")
            .values_list("pk", "indicator_id", "period", "value", "note", "source")
        )
        if lock:
            queryset = queryset.select_for_update()
        if connection.vendor == "postgresql":
            # The rows as psycopg reads them (dates and Decimals already): iterating the
            # queryset cost three times as much in Python for a push batch of 1,000.
            with connection.cursor() as cursor:
                cursor.execute(*queryset.query.sql_with_params())
                rows = cursor.fetchall()
        else:
            rows = list(queryset)
        return {
            (indicator_id, period): (pk, value, note, source)
            for pk, indicator_id, period, value, note, source in rows
        }


class Measurement(models.Model):
    """The current value of an indicator for one month; earlier values live in corrections."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
        help_text=_("The indicator measured."),
        # The unique (indicator, period) index serves every lookup by indicator; a second index
        # on the column only made each write slower (a fifth of a push batch's UPDATE).
        db_index=False,
    )
    period = models.DateField(
        _("month"), help_text=_("The month the value is for (stored as its first day).")
    )
    value = models.DecimalField(
        _("value"),
        max_digits=18,
        decimal_places=4,
        help_text=_("Value as of the end of the month."),
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("Explanation shown publicly.")
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where this figure comes from.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        editable=False,
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeasurementManager()

    panels = [
        FieldRowPanel([FieldPanel("indicator"), FieldPanel("period")]),
        FieldPanel("value"),
        FieldPanel("note"),
        FieldPanel("source"),
    ]

    class Meta:
        ordering = ["indicator", "period"]
        unique_together = [("indicator", "period")]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.indicator.code} {iso_month(self.period)}: {self.value}"

    @property
    def department(self) -> Department:
        return self.indicator.goal.owner

    def save(self, *args, **kwargs):
        # Periods are months: normalise any day to the first so a month is stored once.
        if self.period:
            self.period = self.period.replace(day=1)
        super().save(*args, **kwargs)


class MeasurementCorrection(models.Model):
    """A superseded value: a published figure is never silently overwritten."""

    measurement = models.ForeignKey(
        Measurement,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("measurement"),
    )
    old_value = models.DecimalField(_("previous value"), max_digits=18, decimal_places=4)
    new_value = models.DecimalField(_("corrected value"), max_digits=18, decimal_places=4)
    old_note = models.CharField(_("previous note"), max_length=500, blank=True)
    old_source = models.CharField(_("previous source"), max_length=200, blank=True)
    reason = models.CharField(
        _("reason"), max_length=500, help_text=_("Why the figure was corrected (shown publicly).")
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        ordering = ["measurement", "corrected_at", "pk"]
        verbose_name = _("measurement correction")
        verbose_name_plural = _("measurement corrections")

    def __str__(self) -> str:
        return f"{self.measurement}: {self.old_value} → {self.new_value}"
