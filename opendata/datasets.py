"""The open datasets: what each holds (its data dictionary) and how its rows are read.

Every dataset reads only what the public pages show, through the same rules: published cycles
(``Cycle.published``, as the indicator and ranking pages), surveys whose results are public and
public cases (``Survey.objects.public()``, ``RectificationCase.objects.public()``), a resident's
comment only once moderated. Rows are built in the active language (headings, status words,
department names), so each language has files of its own (``opendata.files``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import exports, rankings
from portal.i18n import is_english, localized
from portal.models import Cycle, Evaluation, Indicator, Measurement
from portal.months import iso_month
from portal.scoring import breakdown_rows
from surveys import tables
from surveys.models import RectificationCase, SurveyResult


@dataclass(frozen=True)
class Field:
    """One column of a dataset as its data dictionary describes it."""

    key: str
    label: str | Promise
    meaning: str | Promise
    unit: str | Promise = ""


@dataclass(frozen=True)
class Dataset:
    """One downloadable dataset: its key (the file name), title, description, data
    dictionary, and the function that reads its rows and the time its data last changed."""

    key: str
    title: str | Promise
    description: str | Promise
    fields: tuple[Field, ...]
    read: Callable[[], tuple[list[dict], datetime.datetime | None]]

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def labels(self) -> dict[str, str]:
        return {f.key: str(f.label) for f in self.fields}


def _latest(*stamps) -> datetime.datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


POINTS = _("points (0–100)")
YEAR = Field("year", _("Year"), _("The evaluation year (考核年度) the figures belong to."))
DEPARTMENT = Field(
    "department", _("Department"), _("The department's name (in English where it has one).")
)
DEPARTMENT_SLUG = Field(
    "department_slug",
    _("Department code"),
    _("The department's stable identifier, as in its page address /departments/<code>/."),
)
MONTH = Field("period", _("Month"), _("The month the figures are for."), _("YYYY-MM"))


def _department_name(name: str, name_en: str, english: bool) -> str:
    return localized(name, name_en, english=english)


# --- measurements ----------------------------------------------------------------------------

MEASUREMENT_FIELDS = (
    YEAR,
    DEPARTMENT,
    DEPARTMENT_SLUG,
    Field("goal_code", _("Goal code"), _("The code of the goal the indicator measures.")),
    Field(
        "indicator_code",
        _("Indicator code"),
        _("The indicator's code; its page is /indicators/<code>/."),
    ),
    Field("indicator", _("Indicator"), _("The indicator's name.")),
    Field(
        "dimension",
        _("Dimension"),
        _("Output, quality, efficiency, effectiveness or satisfaction."),
    ),
    Field("unit", _("Unit"), _("The unit of the value column.")),
    MONTH,
    Field(
        "value",
        _("Value"),
        _(
            "The figure reported for the month (after any correction, whose history the indicator page shows)."
        ),
        _("the unit column"),
    ),
    Field("target", _("Target"), _("The indicator's target for the year."), _("the unit column")),
    Field("source", _("Source"), _("Where the figure comes from.")),
    Field("note", _("Note"), _("The department's note on the figure.")),
    Field(
        "corrections", _("Corrections"), _("How many times the figure was corrected."), _("count")
    ),
    Field(
        "updated", _("Last updated"), _("When the figure was last entered or corrected."), _("date")
    ),
)


def measurement_dataset(cycle: Cycle) -> Dataset:
    def read():
        english = is_english()
        values = (
            Measurement.objects.filter(indicator__goal__cycle=cycle)
            .annotate(correction_count=Count("corrections"))
            .order_by(
                "indicator__goal__owner__sort_order",
                "indicator__goal__owner__name",
                "indicator__code",
                "period",
            )
            .values_list(
                "indicator__goal__owner__name",
                "indicator__goal__owner__name_en",
                "indicator__goal__owner__slug",
                "indicator__goal__code",
                "indicator__code",
                "indicator__name",
                "indicator__dimension",
                "indicator__unit",
                "indicator__target",
                "period",
                "value",
                "source",
                "note",
                "correction_count",
                "updated_at",
            )
        )
        dimensions = dict(Indicator.Dimension.choices)
        rows, changed = [], None
        for (name, name_en, slug, goal, code, indicator, dimension, unit, target, period,
             value, source, note, corrections, updated) in values:  # fmt: skip
            changed = _latest(changed, updated)
            rows.append(
                {
                    "year": cycle.year,
                    "department": _department_name(name, name_en, english),
                    "department_slug": slug,
                    "goal_code": goal,
                    "indicator_code": code,
                    "indicator": indicator,
                    "dimension": str(dimensions.get(dimension, dimension)),
                    "unit": unit,
                    "period": iso_month(period),
                    "value": exports._round(value, 4),
                    "target": exports._round(target, 4),
                    "source": source,
                    "note": note,
                    "corrections": corrections,
                    "updated": timezone.localtime(updated).date().isoformat(),
                }
            )
        return rows, changed

    return Dataset(
        key=f"measurements-{cycle.year}",
        title=_("Indicator figures %(year)s") % {"year": cycle.year},
        description=_(
            "Every monthly figure of every indicator of the %(year)s evaluation year, one row per "
            "indicator and month."
        )
        % {"year": cycle.year},
        fields=MEASUREMENT_FIELDS,
        read=read,
    )


# --- evaluations -----------------------------------------------------------------------------

SCORE_FIELDS = (
    Field(
        "rank",
        _("Rank"),
        _("The department's place among all departments by total score."),
        _("place"),
    ),
    Field("goals_score", _("Goal indicators"), _("Score of the goal indicators part."), POINTS),
    Field(
        "satisfaction_score",
        _("Citizen satisfaction"),
        _("Score of the citizen satisfaction part."),
        POINTS,
    ),
    Field(
        "qualitative_score",
        _("Qualitative review"),
        _("Score of the qualitative review part."),
        POINTS,
    ),
    Field("total", _("Total score"), _("The parts weighed by the year's scheme."), POINTS),
    Field("grade", _("Grade"), _("The grade band the total falls in.")),
    Field("status", _("Status"), _("The department's overall light (green, yellow, red).")),
)
EVALUATION_FIELDS = (YEAR, MONTH, DEPARTMENT, DEPARTMENT_SLUG, *SCORE_FIELDS)


def _evaluations(cycles) -> tuple[list[Evaluation], datetime.datetime | None]:
    evaluations = list(
        Evaluation.objects.filter(cycle__in=cycles)
        .select_related("department", "cycle")
        .defer("breakdown")
        .order_by("-cycle__year", "period", "rank", "department__sort_order")
    )
    return evaluations, _latest(*(e.computed_at for e in evaluations))


def _score_row(evaluation: Evaluation) -> dict:
    shown = rankings.ranking_records([evaluation])[0]
    return {
        "year": evaluation.cycle.year,
        "period": iso_month(evaluation.period),
        "department": shown["department"],
        "department_slug": evaluation.department.slug,
        **{key: shown[key] for key in rankings.KEYS if key != "department"},
    }


def evaluation_dataset(cycle: Cycle) -> Dataset:
    def read():
        evaluations, changed = _evaluations([cycle])
        return [_score_row(e) for e in evaluations], changed

    return Dataset(
        key=f"evaluations-{cycle.year}",
        title=_("Department scores %(year)s") % {"year": cycle.year},
        description=_(
            "Each department's score, rank and grade in the %(year)s evaluation year, month by "
            "month as the year went on."
        )
        % {"year": cycle.year},
        fields=EVALUATION_FIELDS,
        read=read,
    )


BREAKDOWN_FIELDS = (
    YEAR,
    MONTH,
    DEPARTMENT,
    DEPARTMENT_SLUG,
    Field("part", _("Part"), _("The part of the score: goal indicators or citizen satisfaction.")),
    Field("dimension", _("Dimension"), _("The indicator's dimension.")),
    Field("indicator_code", _("Indicator code"), _("The indicator's code.")),
    Field("indicator", _("Indicator"), _("The indicator's name.")),
    Field("weight", _("Weight"), _("The indicator's weight within its part.")),
    Field(
        "value", _("Value"), _("The figure the score is computed from."), _("the indicator's unit")
    ),
    Field("achievement", _("Achievement"), _("How far the indicator met what was due."), POINTS),
    Field(
        "points", _("Points"), _("The points the indicator adds to the total score."), _("points")
    ),
)


def breakdown_dataset(cycle: Cycle) -> Dataset:
    def read():
        final = Evaluation.objects.filter(cycle=cycle).aggregate(last=Max("period"))["last"]
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, period=final)
            .select_related("department")
            .order_by("rank", "department__sort_order")
        )
        english = is_english()
        parts = {"goals": _("Goal indicators"), "satisfaction": _("Citizen satisfaction")}
        dimensions = dict(Indicator.Dimension.choices)
        rows = []
        for e in evaluations:
            name = _department_name(e.department.name, e.department.name_en, english)
            for row in breakdown_rows(e.breakdown, {}):
                item = row["item"]
                rows.append(
                    {
                        "year": cycle.year,
                        "period": iso_month(e.period),
                        "department": name,
                        "department_slug": e.department.slug,
                        "part": str(parts[row["part"]]),
                        "dimension": str(dimensions.get(row["dimension"], row["dimension"])),
                        "indicator_code": item.get("code"),
                        "indicator": item.get("name"),
                        "weight": item.get("weight"),
                        "value": item.get("value"),
                        "achievement": item.get("achievement"),
                        "points": item.get("points"),
                    }
                )
        return rows, _latest(*(e.computed_at for e in evaluations))

    return Dataset(
        key=f"score-breakdown-{cycle.year}",
        title=_("Score breakdown %(year)s") % {"year": cycle.year},
        description=_(
            "How each department's latest %(year)s score is made up: every indicator with its "
            "weight, figure, achievement and points."
        )
        % {"year": cycle.year},
        fields=BREAKDOWN_FIELDS,
        read=read,
    )


# --- rankings (each year's latest month) -----------------------------------------------------


def ranking_dataset(cycles: list[Cycle]) -> Dataset:
    def read():
        evaluations, _changed = _evaluations(cycles)
        latest = {}
        for e in evaluations:
            latest[e.cycle_id] = max(latest.get(e.cycle_id, e.period), e.period)
        shown = [e for e in evaluations if e.period == latest[e.cycle_id]]
        ordered = sorted(
            shown, key=lambda e: (-e.cycle.year, rankings.SORTS["rank"](e), e.department.sort_order)
        )
        return [_score_row(e) for e in ordered], _latest(*(e.computed_at for e in shown))

    return Dataset(
        key="rankings",
        title=_("Department rankings"),
        description=_(
            "Departments by total score in each year's latest month, as the rankings page shows "
            "them."
        ),
        fields=EVALUATION_FIELDS,
        read=read,
    )


# --- survey results --------------------------------------------------------------------------

SURVEY_FIELDS = (
    DEPARTMENT,
    DEPARTMENT_SLUG,
    Field("survey", _("Survey"), _("The satisfaction survey's title.")),
    Field(
        "survey_slug", _("Survey code"), _("The survey's identifier; its page is /surveys/<code>/.")
    ),
    MONTH,
    Field(
        "origin",
        # As on the survey page (``surveys.tables.result_labels``): a context of its own, since
        # "Origin" and "Source" (the column after) are both 来源 without one.
        pgettext_lazy("survey result origin", "Origin"),
        _("Ratings sent on this site, or results an editor entered from a survey run elsewhere."),
    ),
    Field("responses", _("Responses"), _("How many residents answered in the month."), _("count")),
    Field(
        "mean_score",
        _("Mean score (1–5)"),
        _("Mean of the five-level answers, 1 (worst) to 5 (best)."),
        "1–5",
    ),
    Field(
        "satisfied_share",
        _("Satisfied share (%)"),
        _("Share of answers that were satisfied or very satisfied."),
        "%",
    ),
    Field(
        "satisfied_low",
        _("Satisfied share, 95% CI low"),
        # xgettext:no-python-format
        _("Lower end of the share's 95% confidence interval."),
        "%",
    ),
    Field(
        "satisfied_high",
        _("Satisfied share, 95% CI high"),
        # xgettext:no-python-format
        _("Upper end of the share's 95% confidence interval."),
        "%",
    ),
    Field("score", _("Score (0–100)"), _("The 100-point satisfaction score."), POINTS),
    Field(
        "score_low",
        _("Score, 95% CI low"),
        # xgettext:no-python-format
        _("Lower end of the score's 95% confidence interval."),
        POINTS,
    ),
    Field(
        "score_high",
        _("Score, 95% CI high"),
        # xgettext:no-python-format
        _("Upper end of the score's 95% confidence interval."),
        POINTS,
    ),
    Field("source", _("Source"), _("Where the answers come from.")),
    Field("note", _("Note"), _("The department's note on the month.")),
)


def survey_dataset() -> Dataset:
    def read():
        results = list(
            SurveyResult.objects.public()
            .whole_survey()
            .select_related("survey__department")
            .order_by("survey__department__sort_order", "survey__title", "survey_id", "period")
        )
        english = is_english()
        rows = []
        for result in results:
            department = result.survey.department
            rows.append(
                {
                    "department": _department_name(department.name, department.name_en, english),
                    "department_slug": department.slug,
                    "survey": result.survey.display_title,
                    "survey_slug": result.survey.slug,
                    **tables.result_record(result),
                }
            )
        return rows, _latest(*(r.updated_at for r in results))

    return Dataset(
        key="survey-results",
        title=_("Citizen satisfaction survey results"),
        description=_(
            "Every month's results of every survey whose results are public, as on its page."
        ),
        fields=SURVEY_FIELDS,
        read=read,
    )


# --- rectification cases ---------------------------------------------------------------------

CASE_FIELDS = (
    Field("case", _("Case number"), _("The case's number; its page is /surveys/cases/<number>/.")),
    DEPARTMENT,
    DEPARTMENT_SLUG,
    Field("service", _("Service"), _("The service residents rated, if any.")),
    Field("title", _("Title"), _("A short statement of the case.")),
    Field("problem", _("Problem"), _("What residents reported.")),
    Field(
        "comment",
        _("Resident's comment"),
        _("What the resident wrote, only once moderated, personal details masked."),
    ),
    Field("status", _("Status"), _("In progress or completed.")),
    Field("reported_on", _("Reported on"), _("When the problem was raised."), _("date")),
    Field(
        "due_on",
        _("Answer due by"),
        _("The last working day for the department's answer."),
        _("date"),
    ),
    Field(
        "answer",
        _("Answer"),
        _("How the department answered: called back, rectified or explained."),
    ),
    Field("answered_on", _("Answered on"), _("When the department answered."), _("date")),
    Field(
        "on_time",
        _("Answered on time"),
        _("Whether the answer came by the due date (empty while unanswered)."),
    ),
    Field("explanation", _("Reason"), _("Why no rectification was needed, for an explained case.")),
    Field("measures", _("What was done"), _("What the department did about it.")),
    Field("result", _("Result"), _("What changed for residents.")),
    Field("resolved_on", _("Resolved on"), _("When the rectification was completed."), _("date")),
)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def case_dataset() -> Dataset:
    def read():
        cases = list(
            RectificationCase.objects.public()
            .select_related("department", "service")
            .order_by("reported_on", "pk")
        )
        english = is_english()
        yes, no = str(_("yes")), str(_("no"))
        replies = dict(RectificationCase.Reply.choices)
        rows = [
            {
                "case": case.pk,
                "department": _department_name(
                    case.department.name, case.department.name_en, english
                ),
                "department_slug": case.department.slug,
                "service": case.service.display_name if case.service_id else None,
                "title": case.title,
                "problem": case.problem,
                # The case page shows a resident's comment only once an editor moderated it.
                "comment": case.comment if case.comment_moderated and case.comment else None,
                "status": str(case.get_status_display()),
                "reported_on": _date(case.reported_on),
                "due_on": _date(case.due_on),
                "answer": str(replies[case.reply_kind]) if case.reply_kind else None,
                "answered_on": _date(case.replied_on),
                "on_time": None
                if case.answered_on_time is None
                else (yes if case.answered_on_time else no),
                "explanation": case.explanation or None,
                "measures": case.measures or None,
                "result": case.result or None,
                "resolved_on": _date(case.resolved_on),
            }
            for case in cases
        ]
        return rows, _latest(*(c.updated_at for c in cases))

    return Dataset(
        key="rectification-cases",
        title=_("Rectification cases"),
        description=_(
            "Public rectification cases (整改案例): what residents reported after a poor rating "
            "and how the department answered."
        ),
        fields=CASE_FIELDS,
        read=read,
    )


# --- the catalogue ---------------------------------------------------------------------------


def catalogue() -> list[Dataset]:
    """Every dataset, newest year first: per published cycle its figures, scores and score
    breakdown; then the rankings, the survey results and the cases."""
    cycles = list(Cycle.objects.filter(published=True).order_by("-year"))
    datasets = []
    for cycle in cycles:
        datasets += [
            measurement_dataset(cycle),
            evaluation_dataset(cycle),
            breakdown_dataset(cycle),
        ]
    return [*datasets, ranking_dataset(cycles), survey_dataset(), case_dataset()]


def find(key: str) -> Dataset | None:
    return next((d for d in catalogue() if d.key == key), None)
