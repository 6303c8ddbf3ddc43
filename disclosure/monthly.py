"""The generated monthly report (每月绩效评估报告): its figures and its body, from the data.

The figures are the ones the site publishes: the department evaluations that
``portal.evaluation.recompute_cycle`` stored for the month and the month before (each holds
every indicator of its department with the light it had then, ``Evaluation.breakdown``), the
lights rolled up by ``portal.status.roll_up`` (the rule of the home page's city light), and the
corrections (``MeasurementCorrection``) recorded since the month began. ``monthly_body`` writes
them as report blocks — headline figures, what changed since last month, every red and yellow
indicator with its owner, the score table and the red indicators' charts — in the site's
default language, for editors to revise (``disclosure.actions.draft_monthly_report``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from disclosure.factories import chart, heading, paragraph, table
from portal.months import iso_month, month_label, previous_month
from portal.scoring import breakdown_rows
from portal.status import roll_up
from portal.templatetags.portal_tags import signed
from portal.values import format_number

# A red indicator's chart in the report, up to this many (the table lists them all).
MAX_CHARTS = 12
WARNING = ("red", "yellow")


class MonthlyReportError(Exception):
    """The month cannot be reported (no published cycle, no evaluation yet)."""


@dataclass
class IndicatorLine:
    """One indicator in the month: its figures and its light then and the month before."""

    code: str
    name: str
    department: object
    status: str
    previous_status: str | None
    value: float | None
    target: float | None
    progress: float | None
    unit: str = ""


@dataclass
class MonthlyFigures:
    """Everything a monthly report states, for the city or one department."""

    month: datetime.date
    cycle: object
    department: object | None
    evaluations: list = field(default_factory=list)  # the month's, by rank
    previous_totals: dict = field(default_factory=dict)  # department pk → last month's total
    indicators: list[IndicatorLine] = field(default_factory=list)
    corrections: list = field(default_factory=list)
    overall_status: str = "none"
    department_count: int = 0  # departments scored in the month (the rank's "of N")

    @property
    def counts(self) -> Counter:
        return Counter(line.status for line in self.indicators)

    @property
    def warnings(self) -> list[IndicatorLine]:
        """Red, then yellow indicators, by department and code."""
        lines = [line for line in self.indicators if line.status in WARNING]
        return sorted(
            lines,
            key=lambda line: (
                WARNING.index(line.status),
                line.department.sort_order,
                line.department.name,
                line.code,
            ),
        )

    @property
    def status_changes(self) -> list[IndicatorLine]:
        return [
            line
            for line in self.indicators
            if line.previous_status is not None and line.previous_status != line.status
        ]

    @property
    def average_total(self) -> float | None:
        totals = [e.total for e in self.evaluations if e.total is not None]
        return sum(totals) / len(totals) if totals else None


def _items(evaluation) -> list[dict]:
    return [row["item"] for row in breakdown_rows(evaluation.breakdown, {})]


def monthly_figures(month: datetime.date, department=None) -> MonthlyFigures:
    """The figures of ``month`` (its first day) for the city or ``department``: about six
    queries whatever the number of indicators."""
    from portal.models import Cycle, Evaluation, Indicator, MeasurementCorrection

    cycle = Cycle.objects.filter(year=month.year, published=True).first()
    if cycle is None or not cycle.contains_month(month):
        raise MonthlyReportError(
            _("No published evaluation year covers %(month)s.") % {"month": iso_month(month)}
        )
    before = previous_month(month)
    evaluations = list(
        Evaluation.objects.filter(cycle=cycle, period__in=[month, before])
        .select_related("department")
        .order_by("rank", "department__sort_order", "department__name")
    )
    this = [e for e in evaluations if e.period == month]
    if not this:
        raise MonthlyReportError(
            _("There are no scores for %(month)s yet: its figures are not in.")
            % {"month": iso_month(month)}
        )
    figures = MonthlyFigures(month=month, cycle=cycle, department=department)
    figures.department_count = len([e for e in this if e.rank is not None])
    figures.previous_totals = {e.department_id: e.total for e in evaluations if e.period == before}
    previous_status = {
        item["code"]: item["status"]
        for e in evaluations
        if e.period == before
        for item in _items(e)
    }
    if department is not None:
        this = [e for e in this if e.department_id == department.pk]
    figures.evaluations = this
    codes = [item["code"] for e in this for item in _items(e)]
    units = dict(
        Indicator.objects.filter(goal__cycle=cycle, code__in=codes).values_list("code", "unit")
    )
    weights = []
    for evaluation in this:
        for item in _items(evaluation):
            figures.indicators.append(
                IndicatorLine(
                    code=item["code"],
                    name=item["name"],
                    department=evaluation.department,
                    status=item["status"],
                    previous_status=previous_status.get(item["code"]),
                    value=item.get("value"),
                    target=item.get("target"),
                    progress=item.get("progress"),
                    unit=units.get(item["code"], ""),
                )
            )
            weights.append(item.get("weight") or 0)
    figures.overall_status = roll_up([line.status for line in figures.indicators], weights)
    corrections = MeasurementCorrection.objects.filter(
        measurement__indicator__goal__cycle=cycle,
        measurement__period__lte=month,
        corrected_at__gte=_start_of(month),
    )
    if department is not None:
        corrections = corrections.filter(measurement__indicator__goal__owner=department)
    figures.corrections = list(
        corrections.select_related("measurement__indicator__goal__owner").order_by(
            "corrected_at", "pk"
        )
    )
    return figures


def _start_of(month: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(month, datetime.time()))


# ---- the report's words -------------------------------------------------------------------


def one(value) -> str:
    """A number as the site prints a score: one decimal at most, "—" when missing."""
    return format_number(value, 1)


def percent(share) -> str:
    return "—" if share is None else f"{format_number(share * 100, 1)}%"


def status_words(status) -> str:
    from portal.models import Status

    try:
        return str(Status(status).label)
    except ValueError:
        return str(Status.NO_DATA.label)


def scope_name(department) -> str:
    return department.name if department is not None else _("the city")


def monthly_title(month: datetime.date, department=None) -> str:
    label = month_label(month, get_language())
    if department is None:
        return _("Monthly performance report, %(month)s") % {"month": label}
    return _("%(department)s monthly performance report, %(month)s") % {
        "department": department.name,
        "month": label,
    }


def monthly_summary(figures: MonthlyFigures) -> str:
    counts = figures.counts
    return _(
        "%(month)s: %(total)d indicators, %(green)d on track, %(yellow)d lagging and "
        "%(red)d seriously lagging; overall %(status)s."
    ) % {
        "month": month_label(figures.month, get_language()),
        "total": len(figures.indicators),
        "green": counts["green"],
        "yellow": counts["yellow"],
        "red": counts["red"],
        "status": status_words(figures.overall_status),
    }


def monthly_body(figures: MonthlyFigures) -> list[tuple]:
    """The report's blocks: headings, paragraphs, tables and the red indicators' charts."""
    month = month_label(figures.month, get_language())
    source = _("Performance management platform: scores of %(month)s") % {"month": month}
    body = [heading(_("1. Headline figures")), paragraph(_headline(figures, month))]
    body += [heading(_("2. What changed since last month"))]
    body += _changes(figures, month, source)
    body += [heading(_("3. Lagging indicators"))]
    warnings = figures.warnings
    if warnings:
        body.append(
            table(
                _("Red and yellow indicators, %(month)s") % {"month": month},
                [
                    [
                        _("Indicator"),
                        _("Code"),
                        _("Owner department"),
                        _("Status"),
                        _("Value"),
                        _("Target"),
                        _("Progress"),
                    ]
                ]
                + [
                    [
                        line.name,
                        line.code,
                        line.department.name,
                        status_words(line.status),
                        f"{one(line.value)}{line.unit}",
                        f"{one(line.target)}{line.unit}",
                        percent(line.progress),
                    ]
                    for line in warnings
                ],
                source=source,
            )
        )
    else:
        body.append(paragraph(format_html("<p>{}</p>", _("No indicator is red or yellow."))))
    body += [heading(_("4. Scores"))]
    body.append(_score_table(figures, month, source))
    reds = [line for line in warnings if line.status == "red"]
    if reds:
        body.append(heading(_("5. Seriously lagging indicators month by month")))
        for line in reds[:MAX_CHARTS]:
            caption = _("%(indicator)s (%(department)s)") % {
                "indicator": line.name,
                "department": line.department.name,
            }
            body.append(chart(line.code, caption))
        if len(reds) > MAX_CHARTS:
            body.append(
                paragraph(
                    format_html(
                        "<p>{}</p>",
                        _("%(count)d more red indicators are listed in the table above.")
                        % {"count": len(reds) - MAX_CHARTS},
                    )
                )
            )
    return body


def _headline(figures: MonthlyFigures, month: str) -> str:
    counts, total = figures.counts, len(figures.indicators)
    on_track = counts["green"] / total if total else None
    parts = [
        _(
            "As of %(month)s, %(scope)s tracks %(total)d indicators: %(green)d on track "
            "(green), %(yellow)d lagging (yellow) and %(red)d seriously lagging (red); "
            "%(share)s are on target. The overall light is %(status)s."
        )
        % {
            "month": month,
            "scope": scope_name(figures.department),
            "total": total,
            "green": counts["green"],
            "yellow": counts["yellow"],
            "red": counts["red"],
            "share": percent(on_track),
            "status": status_words(figures.overall_status),
        }
    ]
    if figures.department is None:
        lights = Counter(e.status for e in figures.evaluations)
        parts.append(
            _(
                "%(count)d departments were scored, with an average of %(average)s points; "
                "%(green)d departments are green, %(yellow)d yellow and %(red)d red."
            )
            % {
                "count": len(figures.evaluations),
                "average": one(figures.average_total),
                "green": lights["green"],
                "yellow": lights["yellow"],
                "red": lights["red"],
            }
        )
    elif figures.evaluations:
        own = figures.evaluations[0]
        parts.append(
            _("Its score is %(total)s points, rank %(rank)s of %(count)d.")
            % {
                "total": one(own.total),
                "rank": own.rank or "—",
                "count": figures.department_count,
            }
        )
    return format_html("<p>{}</p>", " ".join(parts))


def _changes(figures: MonthlyFigures, month: str, source: str) -> list[tuple]:
    blocks = []
    changes = figures.status_changes
    if figures.month.month == figures.cycle.start_date.month:
        text = _("This is the first month of the evaluation year.")
    elif not changes:
        text = _("No indicator changed its light since last month.")
    else:
        text = _("%(count)d indicators changed their light since last month.") % {
            "count": len(changes)
        }
    blocks.append(paragraph(format_html("<p>{}</p>", text)))
    if changes:
        blocks.append(
            table(
                _("Changed lights, %(month)s") % {"month": month},
                [[_("Indicator"), _("Owner department"), _("Last month"), _("This month")]]
                + [
                    [
                        f"{line.name}（{line.code}）",
                        line.department.name,
                        status_words(line.previous_status),
                        status_words(line.status),
                    ]
                    for line in changes
                ],
                source=source,
            )
        )
    if figures.corrections:
        blocks.append(
            table(
                _("Corrected figures since %(date)s")
                % {"date": figures.month.strftime("%Y-%m-%d")},
                [
                    [
                        _("Indicator"),
                        _("Month"),
                        _("Previous value"),
                        _("Corrected value"),
                        _("Reason"),
                    ]
                ]
                + [
                    [
                        c.measurement.indicator.name,
                        iso_month(c.measurement.period),
                        one(c.old_value),
                        one(c.new_value),
                        c.reason,
                    ]
                    for c in figures.corrections
                ],
                source=source,
            )
        )
    else:
        blocks.append(paragraph(format_html("<p>{}</p>", _("No figure was corrected this month."))))
    return blocks


def _score_table(figures: MonthlyFigures, month: str, source: str) -> tuple:
    rows = [
        [
            _("Rank"),
            _("Department"),
            _("Total score"),
            _("Change on last month"),
            _("Grade"),
            _("Status"),
        ]
    ]
    for e in figures.evaluations:
        before = figures.previous_totals.get(e.department_id)
        change = None if before is None or e.total is None else e.total - before
        rows.append(
            [
                e.rank or "—",
                e.department.name,
                one(e.total),
                signed(change, 1),
                e.grade or "—",
                status_words(e.status),
            ]
        )
    return table(
        _("Department scores, %(month)s") % {"month": month}, rows, source=source, header_col=False
    )
