"""The rankings table: which evaluations the page shows, in which order, and its rows.

The rankings page prints ``ranking_records``, draws its chart from them and builds its CSV,
XLSX and JSON downloads from the very same rows (like ``portal.exports`` for an indicator), so
a download holds exactly the rows and columns shown. The open-data catalogue's rankings
dataset is made of the same rows too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import exports
from portal.i18n import localized_field
from portal.models import Cycle, Evaluation, Status
from portal.months import iso_month
from portal.params import CycleChoice, choose_month
from portal.templatetags.portal_tags import GRADE_NAMES

SORTS = {
    "rank": lambda e: (e.rank is None, e.rank or 0),
    "name": lambda e: e.department.name,
    "goals": lambda e: (e.goals_score is None, -(e.goals_score or 0)),
    "satisfaction": lambda e: (e.satisfaction_score is None, -(e.satisfaction_score or 0)),
    "qualitative": lambda e: (e.qualitative_score is None, -(e.qualitative_score or 0)),
    "total": lambda e: (e.total is None, -(e.total or 0)),
}

# The table's columns as the page shows them (and the downloads hold them): the name, then the
# answers (rank, total, grade, light), then the parts.
KEYS = [
    "department",
    "rank",
    "total",
    "grade",
    "status",
    "goals_score",
    "satisfaction_score",
    "qualitative_score",
]


def labels() -> dict[str, str]:
    """The table's headings, in the visitor's language (those of the page's columns)."""
    return {
        "rank": _("Rank"),
        "department": _("Department"),
        "goals_score": _("Goal indicators"),
        "satisfaction_score": _("Citizen satisfaction"),
        "qualitative_score": _("Qualitative review"),
        "total": _("Total score"),
        "grade": _("Grade"),
        "status": _("Status"),
    }


def sort_columns() -> list[tuple[str, str]]:
    """The sortable columns (their ?sort= keys) with their headings."""
    names = labels()
    return [
        ("rank", names["rank"]),
        ("name", names["department"]),
        ("goals", names["goals_score"]),
        ("satisfaction", names["satisfaction_score"]),
        ("qualitative", names["qualitative_score"]),
        ("total", names["total"]),
    ]


def table_columns() -> list[tuple[str, str]]:
    """The page table's columns in the order shown (``KEYS``): each one's ?sort= key (grade
    and status do not sort: the template prints their headings without a link) and heading."""
    names = labels()
    sort_keys = {"department": "name", "goals_score": "goals", "satisfaction_score": "satisfaction"}
    sort_keys |= {"qualitative_score": "qualitative", "rank": "rank", "total": "total"}
    return [(sort_keys.get(key, key), names[key]) for key in KEYS]


@dataclass
class Ranking:
    """The evaluations of one month of a cycle in the order asked for."""

    cycle: Cycle | None
    months: list[datetime.date] = field(default_factory=list)
    month: datetime.date | None = None
    sort: str = "rank"
    evaluations: list[Evaluation] = field(default_factory=list)


def month_evaluations(cycle: Cycle, month: datetime.date) -> list[Evaluation]:
    """A month's evaluations with their departments, the breakdown left in the database."""
    return list(
        Evaluation.objects.filter(cycle=cycle, period=month)
        .select_related("department")
        .defer("breakdown")
    )


def sorted_evaluations(evaluations: list[Evaluation], sort: str) -> list[Evaluation]:
    return sorted(evaluations, key=lambda e: (SORTS[sort](e), e.department.sort_order))


def choose_ranking(request, choice: CycleChoice) -> Ranking:
    """The ?year=, ?month= and ?sort= the page was asked for (a bad value falls back with a
    notice, as ``choose_cycle`` does)."""
    ranking = Ranking(choice.cycle)
    if choice.cycle is not None:
        ranking.months = list(
            Evaluation.objects.filter(cycle=choice.cycle)
            .order_by("period")
            .values_list("period", flat=True)
            .distinct()
        )
        ranking.month = choose_month(request, choice, ranking.months)
    sort = request.GET.get("sort", "rank")
    ranking.sort = sort if sort in SORTS else "rank"
    if ranking.month is not None:
        ranking.evaluations = sorted_evaluations(
            month_evaluations(choice.cycle, ranking.month), ranking.sort
        )
    return ranking


def _grade_text(grade: str) -> str | None:
    # The grade names of the page's ``grade`` filter, as text.
    if not grade:
        return None
    return str(GRADE_NAMES.get(grade, grade))


def ranking_records(evaluations: list[Evaluation]) -> list[dict]:
    """The table's rows as the page prints them: scores to one decimal, the department and
    grade in the visitor's language, the status in words; None for a dash."""
    return [
        {
            "department": localized_field(e.department, "name"),
            "rank": e.rank,
            "total": exports._round(e.total, 1),
            "grade": _grade_text(e.grade),
            "status": str(Status(e.status).label) if e.status in Status.values else e.status,
            "goals_score": exports._round(e.goals_score, 1),
            "satisfaction_score": exports._round(e.satisfaction_score, 1),
            "qualitative_score": exports._round(e.qualitative_score, 1),
        }
        for e in evaluations
    ]


def ranking_frame(rows: list[dict], keys: list[str] = KEYS) -> pd.DataFrame:
    # dtype object: a department without a rank must not turn the ranks into floats (1.0).
    return pd.DataFrame(rows, columns=keys, dtype=object)


def ranking_response(ranking: Ranking, fmt: str, *, methodology_url: str):
    """The rankings table shown for ``ranking`` as CSV, XLSX or JSON: the same rows, columns
    and order; XLSX and JSON add what the page says about it (year, month, source, method)."""
    rows = ranking_records(ranking.evaluations)
    frame = ranking_frame(rows)
    names = labels()
    year = ranking.cycle.year if ranking.cycle else None
    month = iso_month(ranking.month) if ranking.month else None
    meta = {
        "year": year,
        "as_of": month,
        "sort": ranking.sort,
        "source": _(
            "Evaluations computed on this platform from the figures the departments report"
        ),
        "methodology_url": methodology_url,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }
    if fmt == "csv":
        body = exports.frame_csv(frame, names)
    elif fmt == "xlsx":
        about = exports.about_frame(
            [
                (_("Evaluation year"), year or ""),
                (_("Data as of"), month or ""),
                (_("Source"), meta["source"]),
                (_("Methodology page"), methodology_url),
                (_("Downloaded at"), meta["generated_at"]),
            ]
        )
        body = exports.workbook([("data", frame.rename(columns=names)), ("about", about)])
    elif fmt == "json":
        body = exports.json_bytes(
            {**meta, "columns": exports.columns_json(KEYS, names), "data": rows}
        )
    else:
        raise ValueError(fmt)
    filename = f"rankings-{month}" if month else "rankings"
    return exports.attachment(body, fmt, filename)
