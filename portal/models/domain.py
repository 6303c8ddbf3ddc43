"""The performance domain: departments, cycles, goals, indicators, measurements, evaluations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.links import quick_reverse


def default_grade_bands() -> list[dict]:
    """Grade bands used by most Chinese performance schemes (优秀/良好/合格/不合格)."""
    return [
        {"grade": "优秀", "min_score": 90},
        {"grade": "良好", "min_score": 80},
        {"grade": "合格", "min_score": 60},
        {"grade": "不合格", "min_score": 0},
    ]


class Status(models.TextChoices):
    """The 红黄绿灯 traffic light of an indicator, goal, department or the city."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Lagging")
    RED = "red", _("Seriously lagging")
    NO_DATA = "none", _("No data yet")
    NOT_STARTED = "not_started", _("Not started")


class Department(models.Model):
    """A government department (部门) that owns goals and reports on indicators."""

    class Category(models.TextChoices):
        GENERAL = "general", _("General administration")
        ECONOMY = "economy", _("Economy and development")
        SOCIAL = "social", _("Social services")
        ENVIRONMENT = "environment", _("Environment and urban management")
        SAFETY = "safety", _("Public safety and law")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("Full official name, e.g. 市公安局.")
    )
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown on the English site.")
    )
    short_name = models.CharField(
        _("short name"), max_length=30, blank=True, help_text=_("Common short form, e.g. 公安局.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the page address; Latin letters."),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        default=Category.GENERAL,
        help_text=_("Groups departments on the public site."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the department is responsible for.")
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=50, blank=True, help_text=_("Public enquiry line.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True, help_text=_("Public email."))
    address = models.CharField(
        _("address"), max_length=200, blank=True, help_text=_("Office address.")
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive departments are hidden from current pages."),
    )
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("name_en"), FieldPanel("slug")]),
        FieldPanel("category"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("address")],
            heading=_("Contact"),
        ),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = [("manage_all_departments", _("Can manage every department's data"))]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return quick_reverse("portal:department", slug=self.slug)


class DepartmentEditor(models.Model):
    """Links an editor account to the department whose data they may change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_links",
        verbose_name=_("user"),
        help_text=_("The editor's account."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="editor_links",
        verbose_name=_("department"),
        help_text=_("The department the editor works for."),
    )

    class Meta:
        unique_together = [("user", "department")]
        verbose_name = _("department editor")
        verbose_name_plural = _("department editors")

    def __str__(self) -> str:
        return f"{self.user} → {self.department}"


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


class Goal(models.Model):
    """A goal (目标) in the decomposition tree: city goal → department goal → key task."""

    class Level(models.IntegerChoices):
        CITY = 1, _("City goal")
        DEPARTMENT = 2, _("Department goal")
        TASK = 3, _("Key task")

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("cycle"),
        help_text=_("The evaluation year this goal belongs to."),
    )
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Unique within the cycle, e.g. 2026-03-02.")
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("A short statement of the goal.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Background and scope.")
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=Level.choices,
        default=Level.DEPARTMENT,
        help_text=_("City goals are decomposed into department goals and key tasks."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent goal"),
        help_text=_("The higher-level goal this one serves."),
    )
    owner = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("lead department"),
        help_text=_("The department responsible (牵头单位)."),
    )
    co_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="co_goals",
        verbose_name=_("co-departments"),
        help_text=_("Departments that share the work (配合单位)."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Which policy or plan item this goal comes from, e.g. 2026年政府工作报告."),
    )
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("When it is due.")
    )
    measure = models.TextField(
        _("measure"), blank=True, help_text=_("How achievement is measured (SMART: measurable).")
    )
    target_statement = models.TextField(
        _("target statement"), blank=True, help_text=_("The committed result in words.")
    )
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Display order.")
    )
    # Snapshot written by portal.evaluation.recompute_cycle so pages read it in one query.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NO_DATA, editable=False
    )

    panels = [
        FieldRowPanel([FieldPanel("cycle"), FieldPanel("code"), FieldPanel("level")]),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("parent")]),
        FieldPanel("co_departments"),
        FieldRowPanel([FieldPanel("source"), FieldPanel("deadline")]),
        FieldPanel("measure"),
        FieldPanel("target_statement"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["cycle", "code"]
        unique_together = [("cycle", "code")]
        # A department page reads "this department's goals in this year".
        indexes = [models.Index(fields=["owner", "cycle"], name="portal_goal_owner_cycle")]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def department(self) -> Department:
        return self.owner

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A goal cannot be its own parent.")})
            if self.parent.cycle_id != self.cycle_id:
                raise ValidationError({"parent": _("The parent goal must be in the same cycle.")})
            if self.parent.level >= self.level:
                raise ValidationError({"parent": _("The parent must be a higher-level goal.")})

    def get_absolute_url(self) -> str:
        return quick_reverse("portal:goal", year=self.cycle.year, code=self.code)


class Indicator(models.Model):
    """A measurable indicator (指标) of a goal, with its target and scoring weight."""

    class Dimension(models.TextChoices):
        OUTPUT = "output", _("Output")
        QUALITY = "quality", _("Quality")
        EFFICIENCY = "efficiency", _("Efficiency")
        EFFECTIVENESS = "effectiveness", _("Effectiveness")
        SATISFACTION = "satisfaction", _("Satisfaction")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")
        MILESTONE = "milestone", _("Milestone (percent complete)")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    class DataSource(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("File import")
        API = "api", _("Data interface")
        SURVEY = "survey", _("Citizen survey")

    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("goal"),
        help_text=_("The goal this indicator measures."),
    )
    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Unique code used in imports, e.g. 2026-03-02-01."),
    )
    name = models.CharField(_("name"), max_length=300, help_text=_("What is measured."))
    dimension = models.CharField(
        _("dimension"),
        max_length=20,
        choices=Dimension.choices,
        default=Dimension.OUTPUT,
        help_text=_("产出 / 质量 / 效率 / 效益 / 满意度."),
    )
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("e.g. 万元, %, 件, 天.")
    )
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Value at the start of the cycle; progress is measured from here."),
    )
    target = models.DecimalField(
        _("target"),
        max_digits=18,
        decimal_places=4,
        help_text=_("Value to reach by the end of the cycle (100 for milestones)."),
    )
    direction = models.CharField(
        _("direction"),
        max_length=12,
        choices=Direction.choices,
        default=Direction.HIGHER,
        help_text=_("Whether a higher or lower value is better, or percent complete."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Relative weight in the department's score."),
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text=_("How often a value is reported."),
    )
    data_source = models.CharField(
        _("data source"),
        max_length=12,
        choices=DataSource.choices,
        default=DataSource.MANUAL,
        help_text=_("Where values come from."),
    )
    source_description = models.CharField(
        _("source description"),
        max_length=300,
        blank=True,
        help_text=_("Named source shown with every figure, e.g. 市统计局月报."),
    )
    methodology = models.TextField(
        _("methodology"), blank=True, help_text=_("How the value is calculated (口径).")
    )
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Display order.")
    )
    # Snapshot written by portal.evaluation.recompute_cycle so listings need no per-row queries.
    latest_value = models.DecimalField(
        max_digits=18, decimal_places=4, null=True, blank=True, editable=False
    )
    latest_period = models.DateField(null=True, blank=True, editable=False)
    progress = models.FloatField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NO_DATA, editable=False
    )

    panels = [
        FieldRowPanel([FieldPanel("goal"), FieldPanel("code")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("dimension"), FieldPanel("direction"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("baseline"), FieldPanel("target"), FieldPanel("weight")]),
        FieldRowPanel([FieldPanel("frequency"), FieldPanel("data_source")]),
        FieldPanel("source_description"),
        FieldPanel("methodology"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["goal__code", "sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def department(self) -> Department:
        return self.goal.owner

    def clean(self):
        if self.direction == self.Direction.MILESTONE and self.target is not None:
            if self.target != 100:
                raise ValidationError(
                    {"target": _("A milestone's target is 100 (percent complete).")}
                )

    def get_absolute_url(self) -> str:
        return quick_reverse("portal:indicator", code=self.code)


class Measurement(models.Model):
    """The current value of an indicator for one month; earlier values live in corrections."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
        help_text=_("The indicator measured."),
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
        return f"{self.indicator.code} {self.period:%Y-%m}: {self.value}"

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
