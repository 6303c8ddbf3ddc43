"""Citizen satisfaction surveys: definitions, monthly results and rectification cases (整改案例).

What the public may see is decided here, once, by the ``public()`` querysets: the public pages
and the search index (search/) both read exactly these, so a survey or case is either public
everywhere or nowhere.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from portal.i18n import localized_field
from portal.links import quick_reverse
from portal.models import Department, Indicator
from portal.months import iso_month
from portal.values import is_blank

SCALE_POINTS = 5
MIN_SCORE = Decimal("1")
MAX_SCORE = Decimal("5")


def public_survey_q(prefix: str = "") -> Q:
    """The rule for a survey whose results are public, as a filter from ``prefix`` (e.g.
    ``"survey__"``): the department chose to publish them, the survey is in use and its
    department is current (inactive departments are hidden from current pages)."""
    return Q(
        **{
            f"{prefix}results_public": True,
            f"{prefix}active": True,
            f"{prefix}department__active": True,
        }
    )


class SurveyQuerySet(models.QuerySet):
    """Surveys, with the rule for which ones show their results publicly."""

    def public(self):
        return self.filter(public_survey_q())


class Survey(ClusterableModel):
    """A satisfaction survey (满意度调查) of one public service of a department."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("department"),
        help_text=_("The department whose service residents rate."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("e.g. 不动产登记窗口服务满意度调查.")
    )
    title_en = models.CharField(
        _("English title"), max_length=300, blank=True, help_text=_("Shown on the English site.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the page address; Latin letters."),
    )
    service = models.CharField(
        _("service"),
        max_length=200,
        blank=True,
        help_text=_("The public service rated, e.g. 不动产登记窗口."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the survey asks about and who is invited to answer."),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("satisfaction indicator"),
        help_text=_("The satisfaction (满意度) indicator this survey's results feed, if any."),
    )
    results_public = models.BooleanField(
        _("results public"),
        default=False,
        help_text=_("Show the results on the public site."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive surveys are hidden from the public site."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["department", "title"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the visitor's language (the English title when there is one)."""
        return localized_field(self, "title")

    def clean(self):
        if self.indicator_id and self.indicator.dimension != Indicator.Dimension.SATISFACTION:
            raise ValidationError(
                {"indicator": _("Choose an indicator of the satisfaction (满意度) dimension.")}
            )

    def get_absolute_url(self) -> str:
        return quick_reverse("surveys:survey", slug=self.slug)


def default_scale_labels() -> dict[str, list]:
    """The five answers of each scale, best first, for questions that list no options."""
    return {
        SurveyQuestion.Scale.SATISFACTION: [
            _("Very satisfied"),
            _("Satisfied"),
            _("Neither satisfied nor dissatisfied"),
            _("Dissatisfied"),
            _("Very dissatisfied"),
        ],
        SurveyQuestion.Scale.EASE: [
            _("Very easy"),
            _("Easy"),
            _("Neither easy nor difficult"),
            _("Difficult"),
            _("Very difficult"),
        ],
        SurveyQuestion.Scale.AGREEMENT: [
            _("Strongly agree"),
            _("Agree"),
            _("Neither agree nor disagree"),
            _("Disagree"),
            _("Strongly disagree"),
        ],
        SurveyQuestion.Scale.CONFIDENCE: [
            _("Very confident"),
            _("Fairly confident"),
            _("Neutral"),
            _("Not very confident"),
            _("Not at all confident"),
        ],
    }


class SurveyQuestion(Orderable):
    """One question of a survey: a five-level scale, a single choice or free text."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Five-level scale")
        CHOICE = "choice", _("Single choice")
        TEXT = "text", _("Free text")

    class Scale(models.TextChoices):
        # Real surveys use different five-point scales; not every one is 非常满意…非常不满意.
        SATISFACTION = "satisfaction", _("Satisfaction (very satisfied … very dissatisfied)")
        EASE = "ease", _("Ease (very easy … very difficult)")
        AGREEMENT = "agreement", _("Agreement (strongly agree … strongly disagree)")
        CONFIDENCE = "confidence", _("Confidence (very confident … not at all confident)")

    survey = ParentalKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("survey"),
        help_text=_("The survey this question belongs to."),
    )
    sort_order = models.IntegerField(
        _("sort order"), null=True, blank=True, editable=False, help_text=_("Display order.")
    )
    text = models.CharField(
        _("question"), max_length=500, help_text=_("The question exactly as residents read it.")
    )
    text_en = models.CharField(
        _("English question"), max_length=500, blank=True, help_text=_("Shown on the English site.")
    )
    hint = models.TextField(
        _("hint"),
        blank=True,
        help_text=_("Shown under the question, e.g. a reminder not to enter personal information."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.SCALE,
        help_text=_("A five-level scale, a single choice between options, or free text."),
    )
    scale = models.CharField(
        _("scale"),
        max_length=20,
        choices=Scale.choices,
        blank=True,
        help_text=_("Which five-point scale a scale question uses; empty for other questions."),
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_(
            "One answer per line, best first for a scale (e.g. 非常满意 … 非常不满意). "
            "A scale question without options shows its scale's usual five answers; "
            "a free-text question has none."
        ),
    )
    required = models.BooleanField(
        _("required"), default=False, help_text=_("Residents must answer this question.")
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"),
        null=True,
        blank=True,
        help_text=_("Most characters a free-text answer may have, e.g. 200 or 1000."),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_questions",
        verbose_name=_("indicator"),
        help_text=_("The indicator this question's answers feed, if any."),
    )

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The question in the visitor's language (the English text when there is one)."""
        return localized_field(self, "text")

    @property
    def display_options(self) -> list:
        """The answers a resident chooses from: the options, or the scale's usual five."""
        if self.options:
            return list(self.options)
        if self.kind == self.Kind.SCALE and self.scale:
            return default_scale_labels().get(self.scale, [])
        return []

    def clean(self):
        errors: dict[str, str] = {}
        options = self.options
        if is_blank(options):
            options = self.options = []
        if not isinstance(options, list) or not all(
            isinstance(option, str) and option.strip() for option in options
        ):
            errors["options"] = _("Options are a list of answers, each a non-empty text.")
        elif len(set(options)) != len(options):
            errors["options"] = _("Each option may appear only once.")
        elif self.kind == self.Kind.SCALE and options and len(options) != SCALE_POINTS:
            errors["options"] = _(
                "A five-level scale question has exactly five options (now %(count)s)."
            ) % {"count": len(options)}
        elif self.kind == self.Kind.TEXT and options:
            errors["options"] = _("A free-text question has no options.")
        elif self.kind == self.Kind.CHOICE and len(options) < 2:
            errors["options"] = _("A single-choice question needs at least two options.")
        if self.kind == self.Kind.SCALE and not self.scale:
            errors["scale"] = _("Choose which five-point scale this question uses.")
        elif self.kind != self.Kind.SCALE and self.scale:
            errors["scale"] = _("Only a five-level scale question has a scale.")
        if self.max_length is not None and self.kind != self.Kind.TEXT:
            errors["max_length"] = _("Only a free-text question has a maximum length.")
        elif self.max_length == 0:
            errors["max_length"] = _("The maximum length must be at least 1 character.")
        if errors:
            raise ValidationError(errors)


class SurveyResultQuerySet(models.QuerySet):
    """Monthly results, with the rule for which ones are public."""

    def public(self):
        return self.filter(public_survey_q("survey__"))

    def latest_by_survey(self, surveys) -> dict[int, SurveyResult]:
        """Each of these surveys' most recent month of results, by survey id, in one query."""
        newest = (
            SurveyResult.objects.filter(survey=OuterRef("survey"))
            .order_by("-period")
            .values("period")[:1]
        )
        return {
            result.survey_id: result
            for result in self.filter(survey__in=surveys, period=Subquery(newest)).order_by()
        }


class SurveyResult(models.Model):
    """The aggregated results of one survey for one month."""

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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyResultQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "period"],
                name="surveys_result_one_per_month",
                violation_error_message=_(
                    "This survey already has results for that month: edit them instead."
                ),
            )
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

    def save(self, *args, **kwargs):
        self.normalise_period()
        super().save(*args, **kwargs)

    @property
    def department(self) -> Department:
        return self.survey.department


class RectificationCaseQuerySet(models.QuerySet):
    """Rectification cases, with the rule for which ones are public."""

    def public(self):
        return self.filter(public=True, department__active=True)


class RectificationCase(models.Model):
    """A rectification case (整改案例): what residents reported and what was done about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Completed")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="rectification_cases",
        verbose_name=_("department"),
        help_text=_("The department responsible for the rectification."),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_cases",
        verbose_name=_("survey"),
        help_text=_("The survey whose answers raised the problem, if any."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("A short statement of the case.")
    )
    problem = models.TextField(_("problem"), help_text=_("What residents reported."))
    measures = models.TextField(_("measures"), help_text=_("What the department did about it."))
    result = models.TextField(
        _("result"), blank=True, help_text=_("What changed for residents, once known.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("整改中 while work goes on, 已完成 when it is done."),
    )
    reported_on = models.DateField(_("reported on"), help_text=_("When the problem was raised."))
    resolved_on = models.DateField(
        _("resolved on"),
        null=True,
        blank=True,
        help_text=_("When the rectification was completed; required for a completed case."),
    )
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Show this case on the public site.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RectificationCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors: dict[str, str] = {}
        if (
            self.survey_id
            and self.department_id
            and self.survey.department_id != self.department_id
        ):
            errors["survey"] = _("Choose a survey of the same department.")
        if self.status == self.Status.DONE and not self.resolved_on:
            errors["resolved_on"] = _("A completed case needs the date it was resolved.")
        elif self.status == self.Status.OPEN and self.resolved_on:
            errors["resolved_on"] = _(
                "A case in progress has no resolution date yet: mark it completed or clear the date."
            )
        if self.resolved_on and self.reported_on and self.resolved_on < self.reported_on:
            errors["resolved_on"] = _(
                "The resolution date cannot be before the date the problem was reported."
            )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return quick_reverse("surveys:case", pk=self.pk)
