"""Goals (目标) in their decomposition tree and the indicators (指标) that measure them."""

from __future__ import annotations

import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from portal.links import quick_reverse
from portal.models.bulk import BulkWriteManager
from portal.models.codes import code_validator
from portal.models.cycles import Cycle
from portal.models.departments import Department
from portal.models.reading import RowReader
from portal.models.status import Status


@functools.cache
def _tree_sql() -> str:
    """The SQL of ``GoalManager.tree_for``, built once from the models' metadata."""
    quote = connection.ops.quote_name
    goal, department = Goal._meta, Department._meta
    through = Goal.co_departments.through._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    names = ["id", "code", "title", "level", "parent", "owner", "status", "sort_order"]
    columns = [column(goal, name) for name in names]
    table, pk = quote(goal.db_table), quote(goal.pk.column)
    parent, owner, cycle = column(goal, "parent"), column(goal, "owner"), column(goal, "cycle")

    def select(alias):
        return ", ".join(f"{alias}.{c}" for c in columns)

    return (
        f"WITH direct AS ("
        f"SELECT {select('g')} FROM {table} g WHERE g.{owner} = %s AND g.{cycle} = %s"
        f" UNION SELECT {select('g')} FROM {table} g"
        f" JOIN {quote(through.db_table)} t ON t.{quote(through.get_field('goal').column)} = g.{pk}"
        f" WHERE t.{quote(through.get_field('department').column)} = %s AND g.{cycle} = %s),"
        f" parents AS (SELECT {select('g')} FROM {table} g"
        f" WHERE g.{pk} IN (SELECT {parent} FROM direct)),"
        f" grandparents AS (SELECT {select('g')} FROM {table} g"
        f" WHERE g.{pk} IN (SELECT {parent} FROM parents)),"
        f" tree AS (SELECT *, 1 AS direct FROM direct UNION ALL SELECT *, 0 FROM parents"
        f" UNION ALL SELECT *, 0 FROM grandparents)"
        f" SELECT tree.*, d.{column(department, 'name')} AS owner_name,"
        f" d.{column(department, 'short_name')} AS owner_short_name"
        f" FROM tree JOIN {quote(department.db_table)} d"
        f" ON d.{quote(department.pk.column)} = tree.{owner}"
    )


class GoalManager(BulkWriteManager):
    """Goals as a department's page reads them, and the status snapshots recompute writes."""

    def tree_for(self, department: Department, cycle: Cycle) -> list[Goal]:
        """The goals ``department`` leads or co-operates on in ``cycle`` (``direct`` true)
        and their parents and grandparents (``direct`` false: a tree has three levels), each
        once, with ``cycle`` and its lead department (names only) attached.

        One hand-written statement built once, where the ORM needed a query for the
        co-operated goals and then compiled a six-table join on every view; every step reads
        an index (goal by owner, by id; co-operation by department). See
        docs/decisions/0002-hand-written-sql.md.
        """
        goals: dict[int, Goal] = {}
        owners: dict[int, Department] = {department.pk: department}
        params = [department.pk, cycle.pk, department.pk, cycle.pk]
        for goal in self.raw(_tree_sql(), params):
            seen = goals.get(goal.pk)
            if seen is not None:
                seen.direct = seen.direct or bool(goal.direct)
                continue
            goal.direct = bool(goal.direct)
            goal.cycle = cycle
            owner = owners.get(goal.owner_id)
            if owner is None:
                owner = owners[goal.owner_id] = Department(
                    pk=goal.owner_id, name=goal.owner_name, short_name=goal.owner_short_name
                )
            goal.owner = owner
            goals[goal.pk] = goal
        return list(goals.values())


@functools.cache
def _published_indicator_sql() -> tuple[str, RowReader, RowReader]:
    """The SQL of ``IndicatorManager.published_by_code`` and the readers of its row."""
    quote = connection.ops.quote_name
    indicator, goal = RowReader.all_but(Indicator), RowReader.all_but(Goal)
    i, g, c = Indicator._meta, Goal._meta, Cycle._meta
    sql = (
        f"SELECT {indicator.columns('i')}, {goal.columns('g')} FROM {quote(i.db_table)} i"
        f" JOIN {quote(g.db_table)} g ON g.{quote(g.pk.column)} = i.{quote(i.get_field('goal').column)}"
        f" JOIN {quote(c.db_table)} c ON c.{quote(c.pk.column)} = g.{quote(g.get_field('cycle').column)}"
        f" WHERE i.{quote(i.get_field('code').column)} = %s"
        f" AND c.{quote(c.get_field('published').column)} = %s"
        f" ORDER BY i.{quote(i.pk.column)} LIMIT 1"
    )
    return sql, indicator, goal


@functools.lru_cache(maxsize=64)
def _goals_indicators_sql(count: int) -> tuple[str, RowReader]:
    """The SQL of ``IndicatorManager.of_goals`` for ``count`` goals, and its row reader."""
    quote = connection.ops.quote_name
    reader = RowReader.all_but(Indicator, "methodology", "adjustments")
    i = Indicator._meta
    sql = (
        f"SELECT {reader.columns('i')} FROM {quote(i.db_table)} i"
        f" WHERE i.{quote(i.get_field('goal').column)} IN ({', '.join(['%s'] * count)})"
    )
    return sql, reader


class IndicatorManager(BulkWriteManager):
    """Indicators as the public pages read them; ``update_rows`` writes recompute's snapshots."""

    def published_by_code(self, code: str) -> Indicator | None:
        """The indicator with ``code`` in a published cycle (the lowest pk if several), with its
        goal, the goal's cycle (``published_with_latest_month``) and its owner
        (``Department.objects.by_pk``) from the worker's memory: one statement, written by hand
        (docs/decisions/0002-hand-written-sql.md)."""
        sql, indicator_reader, goal_reader = _published_indicator_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [code, True])
            row = cursor.fetchone()
        if row is None:
            return None
        cycles = {cycle.pk: cycle for cycle in Cycle.objects.published_with_latest_month()}
        indicator = indicator_reader.read(row)
        goal = goal_reader.read(row, indicator_reader.width)
        if goal.cycle_id not in cycles:  # published this very moment: not on the site yet
            return None
        goal.cycle = cycles[goal.cycle_id]
        owner = Department.objects.by_pk().get(goal.owner_id)
        if owner is not None:
            goal.owner = owner
        indicator.goal = goal
        return indicator

    def of_goals(self, goals: dict[int, Goal]) -> list[Indicator]:
        """The indicators of ``goals`` (by pk), each with its goal from ``goals``, in the
        model's order (goal code, sort order, code), without their method text and adjustment
        history (deferred): the department page's goal tree. One statement, written by hand."""
        if not goals:
            return []
        sql, reader = _goals_indicators_sql(len(goals))
        with connection.cursor() as cursor:
            cursor.execute(sql, list(goals))
            rows = cursor.fetchall()
        indicators = [reader.read(row) for row in rows]
        for indicator in indicators:
            indicator.goal = goals[indicator.goal_id]
        indicators.sort(key=lambda i: (i.goal.code, i.sort_order, i.code))
        return indicators


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
        _("code"),
        max_length=40,
        validators=[code_validator],
        help_text=_("Unique within the cycle; Latin letters, digits and hyphens, e.g. 2026-03-02."),
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

    objects = GoalManager()

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
        validators=[code_validator],
        help_text=_(
            "Unique code used in imports and page addresses: Latin letters, digits and hyphens, "
            "e.g. 2026-03-02-01."
        ),
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
    # Snapshot written by portal.actions.approve_adjustment: the approved target adjustments
    # (field, old, new, effective month, date, reason), so the status rules and the public page
    # read the value in force each month from the indicator row itself, with no extra query.
    adjustments = models.JSONField(default=list, blank=True, editable=False)

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

    # recompute_cycle writes the snapshot fields with Indicator.objects.update_rows.
    objects = IndicatorManager()

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
