"""Monthly survey results: aggregated from residents' ratings or entered by an editor."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from portal.months import iso_month
from surveys.models.services import Service
from surveys.models.surveys import MAX_SCORE, MIN_SCORE, Survey, public_survey_q


class SurveyResultQuerySet(models.QuerySet):
    """Monthly results, with the rule for which ones are public."""

    def public(self):
        return self.filter(public_survey_q("survey__"))

    def whole_survey(self):
        """Results of whole surveys, not of one of their services."""
        return self.filter(service__isnull=True)

    def latest_by_survey(self, surveys) -> dict[int, SurveyResult]:
        """Each of these surveys' most recent month of results, by survey id, in one query."""
        newest = (
            SurveyResult.objects.filter(survey=OuterRef("survey"), service__isnull=True)
            .order_by("-period")
            .values("period")[:1]
        )
        return {
            result.survey_id: result
            for result in self.filter(
                survey__in=surveys, service__isnull=True, period=Subquery(newest)
            ).order_by()
        }

    def latest_public_of_department(self, department_id: int) -> list[SurveyResult]:
        """The latest month of each public survey of a department (``latest_by_survey`` of
        its ``Survey.objects.public()``, for a department known to be active), by title, each
        with its survey's title, English title and slug loaded: one hand-written statement,
        because the department page asks on every view and the ORM took longer compiling the
        correlated subquery than the database took running it
        (docs/decisions/0002-hand-written-sql.md)."""
        rows = list(
            SurveyResult.objects.raw(_latest_of_department_sql(), [True, True, department_id])
        )
        for row in rows:
            row.survey = Survey(
                pk=row.survey_id,
                department_id=department_id,
                title=row.survey_title,
                title_en=row.survey_title_en,
                slug=row.survey_slug,
            )
        return rows


@functools.cache
def _latest_of_department_sql() -> str:
    """The SQL of ``latest_public_of_department``, built once from the models' metadata."""
    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    result, survey = quote(SurveyResult._meta.db_table), quote(Survey._meta.db_table)
    period, of_survey = column(SurveyResult, "period"), column(SurveyResult, "survey")
    service = column(SurveyResult, "service")
    fields = ", ".join(
        f"r.{column(SurveyResult, name)}"
        for name in ("id", "survey", "period", "responses", "satisfied_share", "origin")
    )
    return (
        f"SELECT {fields}, s.{column(Survey, 'title')} AS survey_title,"
        f" s.{column(Survey, 'title_en')} AS survey_title_en,"
        f" s.{column(Survey, 'slug')} AS survey_slug"
        f" FROM {result} r JOIN {survey} s ON s.id = r.{of_survey}"
        f" WHERE s.{column(Survey, 'results_public')} = %s AND s.{column(Survey, 'active')} = %s"
        f" AND s.{column(Survey, 'department')} = %s AND r.{service} IS NULL"
        f" AND r.{period} = (SELECT MAX(r2.{period}) FROM {result} r2"
        f" WHERE r2.{of_survey} = r.{of_survey} AND r2.{service} IS NULL)"
        f" ORDER BY s.{column(Survey, 'title')}, s.id"
    )


class SurveyResult(models.Model):
    """The results of one survey (or one of its services) for one month: aggregated from the
    ratings residents sent on this site, or typed in by an editor for a survey run elsewhere."""

    class Origin(models.TextChoices):
        AGGREGATED = "aggregated", _("Ratings sent on this site")
        ENTERED = "entered", _("Entered by an editor")

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("survey"),
        help_text=_("The survey these results are for."),
    )
    period = models.DateField(
        _("month"), help_text=_("Any day of the month; the results are stored for the month.")
    )
    responses = models.PositiveIntegerField(
        _("responses"), help_text=_("How many residents answered in the month.")
    )
    mean_score = models.DecimalField(
        _("mean score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Mean of the five-level answers, 1.00 (worst) to 5.00 (best)."),
    )
    satisfied_share = models.DecimalField(
        _("satisfied share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Percentage of answers that were 满意 or 非常满意, 0 to 100."),
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("Explanation shown publicly.")
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the answers come from, e.g. 本站评价 or 12345 热线回访."),
    )
    origin = models.CharField(
        _("origin"),
        max_length=12,
        choices=Origin.choices,
        default=Origin.ENTERED,
        help_text=_("Aggregated results are rewritten by aggregate_surveys; entered ones are not."),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("service"),
        help_text=_("Empty: the whole survey; else the results of this one service."),
    )
    distribution = models.JSONField(
        _("distribution"),
        default=dict,
        blank=True,
        help_text=_("Answers at each level, 5 (best) to 1 (worst)."),
    )
    satisfied_low = models.DecimalField(
        # xgettext:no-python-format
        _("satisfied share, 95 % low"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    satisfied_high = models.DecimalField(
        # xgettext:no-python-format
        _("satisfied share, 95 % high"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("0 to 100, the levels mapped to points as configured."),
    )
    score_low = models.DecimalField(
        # xgettext:no-python-format
        _("score, 95 % low"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    score_high = models.DecimalField(
        # xgettext:no-python-format
        _("score, 95 % high"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyResultQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "period"],
                condition=Q(service__isnull=True),
                name="surveys_result_one_per_month",
                violation_error_message=_(
                    "This survey already has results for that month: edit them instead."
                ),
            ),
            models.UniqueConstraint(
                fields=["survey", "service", "period"],
                condition=Q(service__isnull=False),
                name="surveys_service_result_one_per_month",
            ),
        ]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self) -> str:
        month = iso_month(self.period) or "?"
        return f"{self.survey} {month}"

    def normalise_period(self) -> None:
        # Results are monthly: any day of the month stands for the month, stored once.
        if self.period:
            self.period = self.period.replace(day=1)

    def clean(self):
        self.normalise_period()
        errors: dict[str, str] = {}
        if self.mean_score is not None and not MIN_SCORE <= self.mean_score <= MAX_SCORE:
            errors["mean_score"] = _(
                "The mean score is on the five-level scale: between 1.00 and 5.00 "
                "(entered: %(value)s)."
            ) % {"value": self.mean_score}
        if self.satisfied_share is not None and not 0 <= self.satisfied_share <= 100:
            errors["satisfied_share"] = _(
                "The satisfied share is a percentage between 0 and 100 (entered: %(value)s)."
            ) % {"value": self.satisfied_share}
        if self.responses == 0:
            # No answers, no average: an empty figure is shown as "—", never as 0.
            if self.mean_score is not None:
                errors.setdefault(
                    "mean_score", _("With no responses there is no mean score: leave it empty.")
                )
            if self.satisfied_share is not None:
                errors.setdefault(
                    "satisfied_share",
                    _("With no responses there is no satisfied share: leave it empty."),
                )
        elif self.responses:
            if self.mean_score is None:
                errors["mean_score"] = _(
                    "Enter the mean score of the %(count)s responses (1.00 to 5.00)."
                ) % {"count": self.responses}
            if self.satisfied_share is None:
                errors["satisfied_share"] = _(
                    "Enter the satisfied share of the %(count)s responses (0 to 100)."
                ) % {"count": self.responses}
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # An editor's form has no service field (entered results are for the whole survey),
        # yet the one-per-month rule depends on it: check it with the service the row has.
        super().validate_constraints(exclude=set(exclude or ()) - {"service"})

    def save(self, *args, **kwargs):
        self.normalise_period()
        super().save(*args, **kwargs)

    @property
    def department(self) -> Department:
        return self.survey.department
