"""Evaluation cycles (考核年度): a year with its scoring weights, grade bands and thresholds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


def default_grade_bands() -> list[dict]:
    """Grade bands used by most Chinese performance schemes (优秀/良好/合格/不合格)."""
    return [
        {"grade": "优秀", "min_score": 90},
        {"grade": "良好", "min_score": 80},
        {"grade": "合格", "min_score": 60},
        {"grade": "不合格", "min_score": 0},
    ]


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
        help_text=_("Unpublished cycles are hidden from the public site."),
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
        FieldPanel("published"),
    ]

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
        result = []
        current = self.start_date.replace(day=1)
        while current <= self.end_date:
            result.append(current)
            current = (current + datetime.timedelta(days=32)).replace(day=1)
        return result

    def contains_month(self, period: datetime.date) -> bool:
        return self.start_date.replace(day=1) <= period <= self.end_date
