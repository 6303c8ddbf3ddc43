"""What the API answers, field by field (also the OpenAPI document's schemas).

JSON keys are English; text is in the request's language where the site has it in both
(a department's English name, a survey's English title) and labels of codes (dimension,
status, kind) are translated like the pages'. Every figure carries its ``period`` (the month
it is for), ``unit``, ``source`` and ``as_of`` (when it was last recorded or computed).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.i18n import is_english
from portal.links import quick_reverse
from portal.months import iso_month


def number(**kwargs):
    """A figure as a JSON number (None stays null)."""
    return serializers.DecimalField(
        max_digits=18, decimal_places=4, coerce_to_string=False, allow_null=True, **kwargs
    )


class MonthField(serializers.Field):
    """A month as ``YYYY-MM``."""

    def to_representation(self, value):
        return iso_month(value) or None


MonthField = extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "nullable": True, "example": "2026-03"}
)(MonthField)


class LabelField(serializers.CharField):
    """The translated label of a choice field (``get_<name>_display``)."""

    def __init__(self, name: str, **kwargs):
        self.choice_name = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return str(getattr(instance, f"get_{self.choice_name}_display")())


class DepartmentRefSerializer(serializers.Serializer):
    """A department named in another record."""

    slug = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, department) -> str:
        if is_english() and department.name_en:
            return department.name_en
        return department.name


def _decimal(value) -> float | None:
    return None if value is None else float(value)


class FastRows:
    """Rows of a long list built as plain dicts, the fields declared above them being the
    OpenAPI document's (tests/api check each row has exactly those keys). DRF's field by field
    representation took about half of a 100-row page's time in the benchmark."""

    def department_ref(self, department) -> dict:
        refs = self.context.setdefault("_department_refs", {})
        ref = refs.get(department.pk)
        if ref is None:
            name = department.name_en if self.context["english"] and department.name_en else None
            ref = refs[department.pk] = {"slug": department.slug, "name": name or department.name}
        return ref

    def zone(self):
        zone = self.context.get("_zone")
        if zone is None:
            zone = self.context["_zone"] = timezone.get_current_timezone()
        return zone

    def absolute(self, path: str) -> str:
        root = self.context.get("_root")
        if root is None:
            root = self.context["_root"] = self.context["request"].build_absolute_uri("/")[:-1]
        return root + path

    def choice_label(self, choices, value) -> str:
        labels = self.context.setdefault("_labels", {})
        key = (choices, value)
        if key not in labels:
            labels[key] = str(dict(choices.choices).get(value, value))
        return labels[key]


class DepartmentSerializer(DepartmentRefSerializer):
    """A department (部门)."""

    name_zh = serializers.CharField(source="name", help_text="The official (Chinese) name.")
    name_en = serializers.CharField()
    short_name = serializers.CharField()
    category = serializers.CharField()
    category_label = LabelField("category")
    description = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    address = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The department's public page.")

    def get_url(self, department) -> str:
        return self.context["request"].build_absolute_uri(department.get_absolute_url())


class GradeBandSerializer(serializers.Serializer):
    grade = serializers.CharField()
    min_score = serializers.FloatField()


class CycleSerializer(serializers.Serializer):
    """A published evaluation year (考核年度) with its scoring scheme."""

    year = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    latest_month = MonthField(help_text="The latest month evaluated (null before any data).")
    weights = serializers.SerializerMethodField(
        help_text="Percent of the total score from goals, satisfaction and qualitative review."
    )
    grade_bands = GradeBandSerializer(many=True)
    green_threshold = number()
    yellow_threshold = number()
    closed = serializers.BooleanField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {k: {"type": "number"} for k in ("goals", "satisfaction", "qualitative")},
        }
    )
    def get_weights(self, cycle) -> dict:
        return {
            "goals": float(cycle.weight_goals),
            "satisfaction": float(cycle.weight_satisfaction),
            "qualitative": float(cycle.weight_qualitative),
        }


class GoalSerializer(serializers.Serializer):
    """A goal (目标) of a published cycle."""

    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    year = serializers.IntegerField(source="cycle.year")
    level = serializers.IntegerField()
    level_label = LabelField("level")
    parent = serializers.SerializerMethodField(help_text="The parent goal's code.")
    department = DepartmentRefSerializer(source="owner")
    co_departments = DepartmentRefSerializer(many=True)
    source = serializers.CharField(help_text="The policy or plan item the goal comes from.")
    deadline = serializers.DateField(allow_null=True)
    measure = serializers.CharField()
    target_statement = serializers.CharField()
    status = serializers.CharField()
    status_label = LabelField("status")
    url = serializers.SerializerMethodField()

    def get_parent(self, goal) -> str | None:
        return self.context["goal_codes"].get(goal.parent_id)

    def get_url(self, goal) -> str:
        return self.context["request"].build_absolute_uri(goal.get_absolute_url())


class GoalNodeSerializer(serializers.Serializer):
    """A goal in the tree: city goal → department goal → key task."""

    code = serializers.CharField(source="goal.code")
    title = serializers.CharField(source="goal.title")
    level = serializers.IntegerField(source="goal.level")
    status = serializers.CharField(source="goal.status")
    department = DepartmentRefSerializer(source="goal.owner")
    role = serializers.CharField(
        allow_null=True,
        help_text="With ?department=: owner (it leads), co (it co-operates) or context "
        "(an ancestor shown for orientation).",
    )
    indicators = serializers.ListField(child=serializers.CharField(), help_text="Indicator codes.")
    children = serializers.ListField(child=serializers.DictField())
    url = serializers.CharField()


class IndicatorSerializer(FastRows, serializers.Serializer):
    """An indicator (指标) of a published cycle, with its latest figure and light."""

    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField(source="goal.cycle.year")
    goal = serializers.CharField(source="goal.code")
    department = DepartmentRefSerializer(source="goal.owner")
    dimension = serializers.CharField()
    dimension_label = LabelField("dimension")
    unit = serializers.CharField()
    baseline = number()
    target = number(help_text="The target in force (approved adjustments applied).")
    direction = serializers.CharField()
    direction_label = LabelField("direction")
    weight = number()
    frequency = serializers.CharField()
    data_source = serializers.CharField()
    data_source_label = LabelField("data_source")
    source = serializers.CharField(source="source_description")
    methodology = serializers.CharField()
    latest_value = number()
    latest_period = MonthField(help_text="The month of the latest figure.")
    progress = serializers.FloatField(allow_null=True)
    status = serializers.CharField(help_text="The light as of ``as_of``.")
    status_label = LabelField("status")
    as_of = serializers.SerializerMethodField(help_text="The cycle's latest evaluated month.")
    url = serializers.SerializerMethodField()

    # The two method fields declare the document's types; ``to_representation`` fills them.
    @extend_schema_field({"type": "string", "nullable": True, "example": "2026-03"})
    def get_as_of(self, row) -> str | None:
        return iso_month(self.context["cycles"][row["goal__cycle_id"]].latest_month) or None

    def get_url(self, row) -> str:
        return self.absolute(quick_reverse("portal:indicator", code=row["code"]))

    def to_representation(self, row):
        """``row``: a dict of ``api.rows.indicators``; the context names each published cycle
        (``cycles``, by id) and every department (``departments``, by id), both held in the
        worker's memory, so the list reads no model instances."""
        from portal.models import Indicator, Status

        cycle = self.context["cycles"][row["goal__cycle_id"]]
        code = row["code"]
        return {
            "code": code,
            "name": row["name"],
            "year": cycle.year,
            "goal": row["goal__code"],
            "department": self.department_ref(self.context["departments"][row["goal__owner_id"]]),
            "dimension": row["dimension"],
            "dimension_label": self.choice_label(Indicator.Dimension, row["dimension"]),
            "unit": row["unit"],
            "baseline": _decimal(row["baseline"]),
            "target": _decimal(row["target"]),
            "direction": row["direction"],
            "direction_label": self.choice_label(Indicator.Direction, row["direction"]),
            "weight": _decimal(row["weight"]),
            "frequency": row["frequency"],
            "data_source": row["data_source"],
            "data_source_label": self.choice_label(Indicator.DataSource, row["data_source"]),
            "source": row["source_description"],
            "methodology": row["methodology"],
            "latest_value": _decimal(row["latest_value"]),
            "latest_period": iso_month(row["latest_period"]) or None,
            "progress": row["progress"],
            "status": row["status"],
            "status_label": self.choice_label(Status, row["status"]),
            "as_of": self.get_as_of(row),
            "url": self.get_url(row),
        }


class MeasurementSerializer(FastRows, serializers.Serializer):
    """One month's figure of an indicator, as it stands (corrections keep the history on the
    indicator's page)."""

    indicator = serializers.CharField(source="indicator.code")
    indicator_name = serializers.CharField(source="indicator.name")
    year = serializers.IntegerField(source="indicator.goal.cycle.year")
    department = DepartmentRefSerializer(source="indicator.goal.owner")
    dimension = serializers.CharField(source="indicator.dimension")
    period = MonthField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False)
    unit = serializers.CharField(source="indicator.unit")
    source = serializers.SerializerMethodField(
        help_text="The figure's source, else the indicator's named source."
    )
    note = serializers.CharField()
    as_of = serializers.DateTimeField(
        source="updated_at", help_text="When the figure was last entered or corrected."
    )
    indicator_status = serializers.CharField(source="indicator.status")
    url = serializers.SerializerMethodField(help_text="The indicator's page (history, method).")

    def get_source(self, measurement) -> str:
        return measurement.source or measurement.indicator.source_description

    def get_url(self, measurement) -> str:
        return self.context["request"].build_absolute_uri(measurement.indicator.get_absolute_url())

    def to_representation(self, row):
        """``row``: a dict of ``api.rows.measurements``; the context names each published cycle
        and every department by id, as for ``IndicatorSerializer``."""
        code = row["indicator__code"]
        owner = self.context["departments"][row["indicator__goal__owner_id"]]
        return {
            "indicator": code,
            "indicator_name": row["indicator__name"],
            "year": self.context["cycles"][row["indicator__goal__cycle_id"]].year,
            "department": self.department_ref(owner),
            "dimension": row["indicator__dimension"],
            "period": iso_month(row["period"]),
            "value": float(row["value"]),
            "unit": row["indicator__unit"],
            "source": row["source"] or row["indicator__source_description"],
            "note": row["note"],
            "as_of": row["updated_at"].astimezone(self.zone()).isoformat(),
            "indicator_status": row["indicator__status"],
            "url": self.absolute(quick_reverse("portal:indicator", code=code)),
        }


class EvaluationSerializer(serializers.Serializer):
    """A department's composite score as of a month: parts, total, rank of N, grade, light."""

    department = DepartmentRefSerializer()
    year = serializers.IntegerField(source="cycle.year")
    period = MonthField(help_text="The month evaluated.")
    goals_score = serializers.FloatField(allow_null=True)
    satisfaction_score = serializers.FloatField(allow_null=True)
    qualitative_score = serializers.FloatField(allow_null=True)
    total = serializers.FloatField(allow_null=True)
    unit = serializers.SerializerMethodField()
    rank = serializers.IntegerField(allow_null=True)
    ranked = serializers.SerializerMethodField(help_text="N in “rank of N”.")
    grade = serializers.CharField()
    status = serializers.CharField()
    status_label = LabelField("status")
    source = serializers.SerializerMethodField()
    as_of = serializers.DateTimeField(source="computed_at")
    breakdown_url = serializers.SerializerMethodField(
        help_text="The explainable breakdown of this score."
    )

    def get_unit(self, evaluation) -> str:
        return _("points (0–100)")

    def get_ranked(self, evaluation) -> int | None:
        return self.context["ranked"].get((evaluation.cycle_id, evaluation.period))

    def get_source(self, evaluation) -> str:
        return self.context["source"]

    def get_breakdown_url(self, evaluation) -> str:
        from django.urls import reverse

        path = reverse(
            "api:evaluation-detail",
            kwargs={"slug": evaluation.department.slug, "year": evaluation.cycle.year},
        )
        return self.context["request"].build_absolute_uri(
            f"{path}?month={iso_month(evaluation.period)}"
        )


class BreakdownRowSerializer(serializers.Serializer):
    """One line of the breakdown: part → dimension → indicator → weight → raw value → points."""

    part = serializers.CharField()
    dimension = serializers.CharField()
    part_weight = serializers.FloatField(allow_null=True)
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    weight = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    period = serializers.CharField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    achievement = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class EvaluationDetailSerializer(EvaluationSerializer):
    """An evaluation with its explainable breakdown, as the department page shows it."""

    breakdown = serializers.JSONField(
        help_text="The stored breakdown (docs/scoring.md): weights, effective weights, parts."
    )
    rows = BreakdownRowSerializer(many=True, source="breakdown_table")


# --- the content apps' public records ----------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    """A published disclosure report (live and behind no view restriction)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = LabelField("kind")
    year = serializers.IntegerField()
    department = DepartmentRefSerializer(allow_null=True)
    report_date = serializers.DateField(help_text="The publication date printed on the report.")
    publisher = serializers.CharField()
    summary = serializers.CharField()
    first_published_at = serializers.DateTimeField()
    as_of = serializers.DateTimeField(
        source="last_published_at", help_text="When this version was published."
    )
    url = serializers.SerializerMethodField(help_text="The report's page (text, tables, charts).")

    def get_url(self, report) -> str:
        return report.get_full_url(self.context["request"])


class NamedRefSerializer(serializers.Serializer):
    """A survey or service named in another record (its title in the request's language)."""

    slug = serializers.CharField()
    name = serializers.CharField()


class SurveyResultSerializer(serializers.Serializer):
    """One month of a public survey's results (the whole survey, or one of its services)."""

    survey = serializers.SerializerMethodField()
    department = DepartmentRefSerializer(source="survey.department")
    service = serializers.SerializerMethodField(help_text="Null: the whole survey.")
    period = MonthField()
    responses = serializers.IntegerField()
    mean_score = number(help_text="Mean answer on the five-level scale, 1 to 5.")
    satisfied_share = number(help_text="Percent of answers 满意 or 非常满意.")
    satisfied_low = number(help_text="95 % interval, low end (percent).")
    satisfied_high = number(help_text="95 % interval, high end (percent).")
    score = number(help_text="0 to 100 points.")
    score_low = number()
    score_high = number()
    distribution = serializers.JSONField(help_text="Answers at each level, 5 (best) to 1.")
    units = serializers.SerializerMethodField()
    origin = serializers.CharField()
    origin_label = LabelField("origin")
    source = serializers.SerializerMethodField()
    note = serializers.CharField()
    as_of = serializers.DateTimeField(source="updated_at")
    url = serializers.SerializerMethodField()

    @extend_schema_field(NamedRefSerializer)
    def get_survey(self, result) -> dict:
        return {"slug": result.survey.slug, "name": result.survey.display_title}

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_service(self, result) -> dict | None:
        if result.service is None:
            return None
        return {"slug": result.service.slug, "name": result.service.display_name}

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_units(self, result) -> dict:
        return {
            "mean_score": _("1–5 scale"),
            "satisfied_share": "%",
            "score": _("points (0–100)"),
        }

    def get_source(self, result) -> str:
        return result.source or result.get_origin_display()

    def get_url(self, result) -> str:
        return self.context["request"].build_absolute_uri(result.survey.get_absolute_url())


class CaseSerializer(serializers.Serializer):
    """A public rectification case (整改案例); the resident's comment only once moderated."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    department = DepartmentRefSerializer()
    service = serializers.SerializerMethodField()
    survey = serializers.SerializerMethodField(help_text="Only when its results are public.")
    problem = serializers.CharField()
    comment = serializers.SerializerMethodField(help_text="Masked; null until moderated.")
    measures = serializers.CharField()
    result = serializers.CharField()
    status = serializers.CharField()
    status_label = LabelField("status")
    reply_kind = serializers.CharField()
    reply_kind_label = LabelField("reply_kind")
    explanation = serializers.CharField()
    reported_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    resolved_on = serializers.DateField(allow_null=True)
    as_of = serializers.DateTimeField(source="updated_at")
    url = serializers.SerializerMethodField()

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_service(self, case) -> dict | None:
        service = case.service
        if service is None or not service.active:
            return None
        return {"slug": service.slug, "name": service.display_name}

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_survey(self, case) -> dict | None:
        survey = case.survey
        if survey is None or not (survey.results_public and survey.active):
            return None  # the case's department is active (a public case's is)
        return {"slug": survey.slug, "name": survey.display_title}

    def get_comment(self, case) -> str | None:
        return case.comment if case.comment_moderated and case.comment else None

    def get_url(self, case) -> str:
        return self.context["request"].build_absolute_uri(case.get_absolute_url())
