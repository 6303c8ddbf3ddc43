"""What a department is scored on and scored: qualitative reviews and stored evaluations."""

from __future__ import annotations

import datetime
import functools
import json
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from portal.models.bulk import BulkWriteManager
from portal.models.cycles import Cycle
from portal.models.departments import Department
from portal.models.status import Status
from portal.months import iso_month


class QualitativeReview(models.Model):
    """The qualitative review score (定性评价) of a department for a cycle."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("department"),
        help_text=_("The department reviewed."),
    )
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("cycle"),
        help_text=_("The evaluation year."),
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("0–100, from the review panel."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Summary of the review, shown publicly.")
    )

    panels = [
        FieldRowPanel([FieldPanel("department"), FieldPanel("cycle"), FieldPanel("score")]),
        FieldPanel("note"),
    ]

    class Meta:
        unique_together = [("department", "cycle")]
        verbose_name = _("qualitative review")
        verbose_name_plural = _("qualitative reviews")

    def __str__(self) -> str:
        return f"{self.department} {self.cycle}: {self.score}"


@functools.cache
def _department_sql() -> str:
    """The SQL of ``EvaluationManager.for_department``, built once from the models' metadata."""
    quote = connection.ops.quote_name
    meta, cycle = Evaluation._meta, Cycle._meta

    def column(name):
        return quote(meta.get_field(name).column)

    columns = ", ".join(
        f"e.{quote(f.column)}" for f in meta.concrete_fields if f.name != "breakdown"
    )
    return (
        f"SELECT {columns}, CASE WHEN e.{column('cycle')} = %s AND e.{column('period')} = %s"
        f" THEN e.{column('breakdown')} END AS {quote('shown_breakdown')},"
        # "Rank of N": how many departments are ranked in each month of the shown cycle.
        f" CASE WHEN e.{column('cycle')} = %s THEN (SELECT COUNT(*)"
        f" FROM {quote(meta.db_table)} n WHERE n.{column('cycle')} = e.{column('cycle')}"
        f" AND n.{column('period')} = e.{column('period')} AND n.{column('rank')} IS NOT NULL)"
        f" END AS {quote('ranked_of')}"
        f" FROM {quote(meta.db_table)} e JOIN {quote(cycle.db_table)} c"
        f" ON c.{quote(cycle.pk.column)} = e.{column('cycle')}"
        f" WHERE e.{column('department')} = %s"
        f" AND c.{quote(cycle.get_field('published').column)} = %s"
        # The shown cycle's every month; of the other cycles, only the final month.
        f" AND (e.{column('cycle')} = %s OR e.{column('period')} = ("
        f"SELECT MAX(f.{column('period')}) FROM {quote(meta.db_table)} f"
        f" WHERE f.{column('department')} = e.{column('department')}"
        f" AND f.{column('cycle')} = e.{column('cycle')}))"
        f" ORDER BY e.{column('period')}, e.{quote(meta.pk.column)}"
    )


class EvaluationManager(BulkWriteManager):
    """Evaluations as a department's page reads them, and the rows recompute replaces."""

    def for_department(
        self, department: Department, cycle: Cycle, month: datetime.date | None
    ) -> list[Evaluation]:
        """The department's evaluations in every published cycle, in month order: every
        month of ``cycle`` and only the final month of the others. The breakdown JSON (a
        document listing every indicator) is read for ``cycle``'s ``month`` only, as
        ``shown_breakdown`` (None on the others); ``breakdown`` itself is deferred. Each
        evaluation of ``cycle`` has ``ranked_of``, the number of departments ranked that month
        (None on the others).

        One hand-written statement built once, as the ORM compiled its CASE annotation on
        every view for longer than the query runs (docs/decisions/0002-hand-written-sql.md).
        """
        evaluations = list(
            self.raw(_department_sql(), [cycle.pk, month, cycle.pk, department.pk, True, cycle.pk])
        )
        for evaluation in evaluations:
            if isinstance(evaluation.shown_breakdown, str):  # a raw query's JSON is text
                evaluation.shown_breakdown = json.loads(evaluation.shown_breakdown)
        return evaluations

    def replace_for_cycle(self, cycle: Cycle, evaluations: list[Evaluation]) -> None:
        """Delete the cycle's evaluations and insert the unsaved ``evaluations``, one
        statement each and no signals: a queryset's delete() would read every row back to
        send its post_delete signal, which only bumps the page cache (recompute_cycle bumps
        it once)."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        column = connection.ops.quote_name(self.model._meta.get_field("cycle").column)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [cycle.pk])
        self.insert_rows(evaluations)


class Evaluation(models.Model):
    """Stored composite score of a department for a cycle as of a month (explainable breakdown)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("department"),
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("cycle")
    )
    period = models.DateField(_("as of month"))
    goals_score = models.FloatField(_("goal indicators score"), null=True)
    satisfaction_score = models.FloatField(_("satisfaction score"), null=True)
    qualitative_score = models.FloatField(_("qualitative score"), null=True)
    total = models.FloatField(_("total score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NO_DATA
    )
    # dimension → indicators → weight → raw value → points (see portal.scoring).
    breakdown = models.JSONField(_("breakdown"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = EvaluationManager()

    class Meta:
        ordering = ["cycle", "period", "rank"]
        unique_together = [("department", "cycle", "period")]
        indexes = [models.Index(fields=["cycle", "period", "rank"])]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.department} {self.cycle} {iso_month(self.period)}: {self.total}"
