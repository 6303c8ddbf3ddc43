"""What a department is scored on and scored: qualitative reviews and stored evaluations."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from portal.models.cycles import Cycle
from portal.models.departments import Department
from portal.models.status import Status


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

    class Meta:
        ordering = ["cycle", "period", "rank"]
        unique_together = [("department", "cycle", "period")]
        indexes = [models.Index(fields=["cycle", "period", "rank"])]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.department} {self.cycle} {self.period:%Y-%m}: {self.total}"
