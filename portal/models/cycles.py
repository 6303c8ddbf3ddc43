"""Evaluation cycles (考核年度): a year with its scoring weights, grade bands and thresholds."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.months import month_range


def default_grade_bands() -> list[dict]:
    """Grade bands used by most Chinese performance schemes (优秀/良好/合格/不合格)."""
    return [
        {"grade": "优秀", "min_score": 90},
        {"grade": "良好", "min_score": 80},
        {"grade": "合格", "min_score": 60},
        {"grade": "不合格", "min_score": 0},
    ]


def _as_date(value) -> datetime.date | None:
    """A date read by hand-written SQL: SQLite returns dates as text."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


@functools.cache
def _published_cycles_sql() -> str:
    """The SQL of ``published_with_latest_month``, built once from the models' metadata."""
    quote = connection.ops.quote_name
    cycle, evaluation = (
        apps.get_model("portal", "Cycle")._meta,
        apps.get_model("portal", "Evaluation")._meta,
    )
    period = quote(evaluation.get_field("period").column)
    return (
        f"SELECT c.*, (SELECT MAX(e.{period}) FROM {quote(evaluation.db_table)} e"
        f" WHERE e.{quote(evaluation.get_field('cycle').column)} = c.{quote(cycle.pk.column)})"
        f" AS {quote('latest_month')}"
        f" FROM {quote(cycle.db_table)} c"
        f" WHERE c.{quote(cycle.get_field('published').column)} = %s"
        f" ORDER BY c.{quote(cycle.get_field('year').column)} DESC"
    )


@functools.cache
def _data_month_sql() -> str:
    """The SQL of ``data_month``, built once from the models' metadata."""
    quote = connection.ops.quote_name
    Evaluation, Measurement, Indicator, Goal = (
        apps.get_model("portal", name)
        for name in ("Evaluation", "Measurement", "Indicator", "Goal")
    )

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    evaluation, measurement = (
        quote(Evaluation._meta.db_table),
        quote(Measurement._meta.db_table),
    )
    indicator, goal = quote(Indicator._meta.db_table), quote(Goal._meta.db_table)
    return (
        f"SELECT COALESCE("
        f"(SELECT MAX(e.{column(Evaluation, 'period')}) FROM {evaluation} e"
        f" WHERE e.{column(Evaluation, 'cycle')} = %s),"
        f" (SELECT MAX(m.{column(Measurement, 'period')}) FROM {measurement} m"
        f" JOIN {indicator} i ON i.id = m.{column(Measurement, 'indicator')}"
        f" JOIN {goal} g ON g.id = i.{column(Indicator, 'goal')}"
        f" WHERE g.{column(Goal, 'cycle')} = %s"
        f" AND m.{column(Measurement, 'period')} BETWEEN %s AND %s))"
    )


class CycleManager(models.Manager):
    """Cycles as the public pages read them, in hand-written SQL built once: the ORM compiled
    their subqueries on every view for longer than the database ran them
    (docs/decisions/0002-hand-written-sql.md)."""

    def published_with_latest_month(self) -> list[Cycle]:
        """Published cycles, newest first, each with its latest evaluated month
        (``latest_month``, None before the first recompute).

        Every public page asks for this. The subquery reads one entry of the evaluations'
        (cycle, period, rank) index per cycle.
        """
        from portal.cache import held

        # Held in the worker's memory until the data version moves: every page asks, and only
        # a change of cycles or evaluations (each moves the version) changes the answer. A new
        # list each time; the cycles in it are shared, read-only.
        return list(held("published-cycles", self._published_with_latest_month))

    def _published_with_latest_month(self) -> list[Cycle]:
        cycles = list(self.raw(_published_cycles_sql(), [True]))
        for cycle in cycles:
            cycle.latest_month = _as_date(cycle.latest_month)
        return cycles

    def data_month(self, cycle: Cycle) -> datetime.date | None:
        """The cycle's latest data month, in one query: as of the last recompute (one entry
        of the evaluations' index), else the newest measurement of the cycle (a scan of the
        year's figures, which COALESCE only runs when there is no evaluation yet).

        An indicator page asks for it on every view: held in the worker's memory until the
        data version moves (every figure saved or imported moves it)."""
        from portal.cache import held

        return held(f"data-month:{cycle.pk}", lambda: self._data_month(cycle))

    def _data_month(self, cycle: Cycle) -> datetime.date | None:
        months = cycle.months()
        with connection.cursor() as cursor:
            cursor.execute(_data_month_sql(), [cycle.pk, cycle.pk, months[0], months[-1]])
            (as_of,) = cursor.fetchone()
        return _as_date(as_of)


class Cycle(models.Model):
    """An evaluation year (考核年度) with its scoring weights, grade bands and status thresholds."""

    year = models.PositiveIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The calendar year evaluated, e.g. 2026."),
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("e.g. 2026年度目标绩效考核.")
    )
    start_date = models.DateField(_("start date"), help_text=_("Usually 1 January."))
    end_date = models.DateField(_("end date"), help_text=_("Usually 31 December."))
    weight_goals = models.DecimalField(
        _("weight of goal indicators"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        help_text=_("Percentage of the composite score from goal indicators."),
    )
    weight_satisfaction = models.DecimalField(
        _("weight of satisfaction"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        help_text=_("Percentage from citizen satisfaction indicators."),
    )
    weight_qualitative = models.DecimalField(
        _("weight of qualitative review"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        help_text=_("Percentage from the qualitative review (定性评价)."),
    )
    grade_bands = models.JSONField(
        _("grade bands"),
        default=default_grade_bands,
        help_text=_('List of {"grade": name, "min_score": number}, highest first.'),
    )
    green_threshold = models.DecimalField(
        _("green threshold"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.90"),
        help_text=_("Progress ÷ time elapsed at or above this is green (on track)."),
    )
    yellow_threshold = models.DecimalField(
        _("yellow threshold"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        help_text=_("At or above this (and below green) is yellow; below it is red."),
    )
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_(
            "Unpublished cycles are hidden from the public site. Once published, targets, "
            "baselines, weights and directions change only through an approved target "
            "adjustment."
        ),
    )
    closed = models.BooleanField(
        _("closed to editors"),
        default=False,
        help_text=_(
            "A closed cycle's evaluation is final: department editors can no longer add or "
            "change its goals, indicators or figures (city administrators still can)."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("weight_goals"),
                        FieldPanel("weight_satisfaction"),
                        FieldPanel("weight_qualitative"),
                    ]
                ),
                FieldPanel("grade_bands"),
            ],
            heading=_("Scoring scheme"),
        ),
        FieldRowPanel([FieldPanel("green_threshold"), FieldPanel("yellow_threshold")]),
        FieldRowPanel([FieldPanel("published"), FieldPanel("closed")]),
    ]

    objects = CycleManager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")

    def __str__(self) -> str:
        return self.name or f"{self.year}"

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            errors["end_date"] = _("The end date must be after the start date.")
        total = (
            (self.weight_goals or 0)
            + (self.weight_satisfaction or 0)
            + (self.weight_qualitative or 0)
        )
        if total != 100:
            errors["weight_goals"] = _("The three weights must add up to 100 (now %(total)s).") % {
                "total": total
            }
        if (
            self.green_threshold is not None
            and self.yellow_threshold is not None
            and self.yellow_threshold > self.green_threshold
        ):
            errors["yellow_threshold"] = _("The yellow threshold cannot exceed the green one.")
        bands = self.grade_bands
        if not isinstance(bands, list) or not all(
            isinstance(b, dict) and "grade" in b and "min_score" in b for b in bands
        ):
            errors["grade_bands"] = _('Each band needs "grade" and "min_score".')
        if errors:
            raise ValidationError(errors)

    def months(self) -> list[datetime.date]:
        """First day of every month in the cycle."""
        return list(month_range(self.start_date, self.end_date))

    def contains_month(self, period: datetime.date) -> bool:
        return self.start_date.replace(day=1) <= period <= self.end_date
