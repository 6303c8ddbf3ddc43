"""Report blocks of the evaluation: a department's scorecard (the explainable breakdown the
department page shows), the lights' counts of a department or the city, and the rankings."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from disclosure.figure_blocks import (
    MONTH_VALIDATOR,
    ChartType,
    FiguresBlock,
    status_count_figures,
    status_text,
)
from disclosure.figures import column, empty_figures, month_text, value_key
from portal.models import Cycle, Department, Evaluation, Indicator, Status
from portal.months import iso_month, parse_month
from portal.scoring import breakdown_rows


def department_choices():
    return [(d.slug, d.name) for d in Department.objects.order_by("name").only("slug", "name")]


def _department(value) -> Department | None:
    slug = value.get("department")
    return Department.objects.filter(slug=slug).first() if slug else None


def _published_cycle(year) -> Cycle | None:
    return Cycle.objects.filter(year=year, published=True).first() if year else None


def _not_published(year) -> str:
    return _now("The year %(year)s is not published.") % {"year": year or "—"}


def _evaluation_month(cycle: Cycle, raw: str):
    """The month asked for, else the cycle's latest evaluated month."""
    month = parse_month(raw) if raw else None
    if month is None:
        month = (
            Evaluation.objects.filter(cycle=cycle)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
    return month


class _YearBlock(FiguresBlock):
    year = blocks.IntegerBlock(label=_("Year"), min_value=1949, max_value=2200)

    def get_preview_value(self):
        year = (
            Cycle.objects.filter(published=True).order_by("-year").values_list("year", flat=True)
        ).first()
        slug = Department.objects.order_by("name").values_list("slug", flat=True).first()
        return self.to_python(dict(self.meta.preview_value, year=year or 2026, department=slug))


class StatusSummaryBlock(_YearBlock):
    """How many indicators show each light (红黄绿), for a department or the whole city."""

    department = blocks.ChoiceBlock(
        choices=department_choices,
        required=False,
        label=_("Department"),
        help_text=_("Leave empty for the whole city."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "tasks"
        label = _("Status summary")
        description = _(
            "How many indicators are green, yellow and red, for a department or the whole "
            "city, as a donut and a table."
        )
        preview_value = {"year": 2026, "department": "", "caption": ""}

    def compute_figures(self, value) -> dict:
        year = value.get("year")
        department = _department(value)
        who = department.name if department else _now("the whole city")
        title = value.get("caption") or _now("Lights of %(who)s in %(year)s") % {
            "who": who,
            "year": year,
        }
        cycle = _published_cycle(year)
        if cycle is None:
            return empty_figures(title, _not_published(year))
        indicators = Indicator.objects.filter(goal__cycle=cycle)
        if department is not None:
            indicators = indicators.filter(goal__owner=department)
        counts = {status.value: 0 for status in Status}
        for row in indicators.order_by().values("status").annotate(n=Count("pk")):
            key = row["status"] if row["status"] in counts else Status.NO_DATA.value
            counts[key] += row["n"]
        as_of = Cycle.objects.data_month(cycle)
        return status_count_figures(
            title,
            counts,
            as_of=iso_month(as_of) if as_of else None,
            link=department.get_absolute_url() if department else "",
            link_text=department.name if department else "",
        )


class RankingsBlock(_YearBlock):
    """The departments ranked by total score in a month."""

    month = blocks.CharBlock(
        label=_("Month"),
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        help_text=_("YYYY-MM; empty for the latest evaluated month."),
    )
    limit = blocks.IntegerBlock(
        label=_("How many"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Empty for every department."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "order"
        label = _("Rankings")
        description = _("The departments ranked by total score in a month, as bars and a table.")
        preview_value = {"year": 2026, "month": "", "limit": 10, "caption": ""}

    def compute_figures(self, value) -> dict:
        year = value.get("year")
        title = value.get("caption") or _now("Department rankings %(year)s") % {"year": year}
        cycle = _published_cycle(year)
        if cycle is None:
            return empty_figures(title, _not_published(year))
        month = _evaluation_month(cycle, value.get("month") or "")
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, period=month)
            .select_related("department")
            .defer("breakdown")
            .order_by("rank", "department__name")
        )
        if value.get("limit"):
            evaluations = evaluations[: value["limit"]]
        if not evaluations:
            return empty_figures(title, _now("No department has been evaluated yet."))
        rows = [
            {
                "rank": e.rank,
                "department": e.department.name,
                "_link": e.department.get_absolute_url(),
                "total": None if e.total is None else round(e.total, 1),
                "grade": e.grade or None,
                "status": status_text(e.status),
            }
            for e in evaluations
        ]
        first = rows[0]
        summary = _now("In %(month)s %(name)s ranks first with %(score)s points.") % {
            "month": month_text(iso_month(month)),
            "name": first["department"],
            "score": first["total"] if first["total"] is not None else "—",
        }
        return {
            "title": title,
            "summary": summary,
            "columns": [
                column("rank", _now("Rank"), 0),
                column("department", _now("Department")),
                column("total", _now("Total score"), 1),
                column("grade", _now("Grade")),
                column("status", _now("Status")),
            ],
            "rows": rows,
            "chart": {
                "kind": ChartType.RANKED,
                "label": _now(
                    "Ranked bar chart of the departments' total scores. The table "
                    "below has the same figures."
                ),
                "labels": [r["department"] for r in rows],
                "values": [r["total"] for r in rows],
                "statuses": [e.status for e in evaluations],
                "suffix": "",
            },
            "values": [],
            "missing": "",
            "as_of": iso_month(month),
        }


class DepartmentScorecardBlock(_YearBlock):
    """A department's explainable score: every point traced to dimension, indicator, weight
    and value, as on the department's page."""

    department = blocks.ChoiceBlock(choices=department_choices, label=_("Department"))
    month = blocks.CharBlock(
        label=_("Month"),
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        help_text=_("YYYY-MM; empty for the latest evaluated month."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Department scorecard")
        description = _(
            "A department's total score, rank and grade, with the breakdown of every point by "
            "dimension, indicator, weight and value."
        )
        preview_value = {"year": 2026, "department": "", "month": "", "caption": ""}

    def compute_figures(self, value) -> dict:
        year = value.get("year")
        department = _department(value)
        if department is None:
            return empty_figures(
                value.get("caption") or _now("Department scorecard"),
                _now("The department no longer exists."),
            )
        title = value.get("caption") or _now("Scorecard of %(name)s, %(year)s") % {
            "name": department.name,
            "year": year,
        }
        cycle = _published_cycle(year)
        if cycle is None:
            return empty_figures(title, _not_published(year))
        month = _evaluation_month(cycle, value.get("month") or "")
        evaluation = Evaluation.objects.filter(
            cycle=cycle, department=department, period=month
        ).first()
        if evaluation is None:
            return empty_figures(title, _now("The department has not been evaluated yet."))
        codes = [row["item"].get("code") for row in breakdown_rows(evaluation.breakdown, {})]
        indicators = {
            i.code: i for i in Indicator.objects.filter(code__in=codes).only("code", "unit")
        }
        rows, values = [], []
        for row in breakdown_rows(evaluation.breakdown, indicators):
            item, indicator = row["item"], row["indicator"]
            period = item.get("period")
            rows.append(
                {
                    "dimension": str(Indicator.Dimension(row["dimension"]).label)
                    if row["dimension"] in Indicator.Dimension.values
                    else row["dimension"],
                    "indicator": item.get("name", ""),
                    "_link": indicator.get_absolute_url() if indicator else None,
                    "weight": item.get("weight"),
                    "value": item.get("value"),
                    "period": period,
                    "target": item.get("target"),
                    "achievement": item.get("achievement"),
                    "status": status_text(item.get("status")),
                    "points": item.get("points"),
                }
            )
            if indicator is not None and period and item.get("value") is not None:
                values.append(
                    {
                        "key": value_key(indicator.code, period),
                        "label": f"{item.get('name', '')} {month_text(period)}",
                        "value": item.get("value"),
                        "link": indicator.get_absolute_url(),
                    }
                )
        summary = _now(
            "In %(month)s %(name)s scored %(total)s points, rank %(rank)s, grade %(grade)s."
        ) % {
            "month": month_text(iso_month(month)),
            "name": department.name,
            "total": "—" if evaluation.total is None else f"{evaluation.total:.1f}",
            "rank": evaluation.rank or "—",
            "grade": evaluation.grade or "—",
        }
        return {
            "title": title,
            "summary": summary,
            "columns": [
                column("dimension", _now("Dimension")),
                column("indicator", _now("Indicator")),
                column("weight", _now("Weight"), 2),
                column("value", _now("Value"), 4),
                column("period", _now("Month")),
                column("target", _now("Target"), 4),
                column("achievement", _now("Achievement"), 1),
                column("status", _now("Status")),
                column("points", _now("Points"), 2),
            ],
            "rows": rows,
            "chart": None,
            "values": values,
            "missing": "" if rows else _now("The breakdown lists no indicator."),
            "as_of": iso_month(month),
            "link": department.get_absolute_url(),
            "link_text": department.name,
        }
