"""The tables of the public survey pages as rows, and their downloads.

A page prints these rows and its CSV, XLSX and JSON downloads are built from the very same rows
(like the indicator tables of ``portal.exports``), so what a visitor downloads is exactly the
table shown: same columns, same rounding, same months.
"""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import exports
from portal.months import iso_month
from portal.values import finite_or_none, quantize
from surveys.models import SurveyQuestion, SurveyResult, default_scale_labels
from surveys.stats import LEVELS

# The monthly results table of a survey (and, with the survey column, of a service).
RESULT_KEYS = [
    "period",
    "origin",
    "responses",
    "mean_score",
    "satisfied_share",
    "satisfied_low",
    "satisfied_high",
    "score",
    "score_low",
    "score_high",
    "source",
    "note",
]
SERVICE_RESULT_KEYS = ["period", "survey", *RESULT_KEYS[1:]]
# Decimals printed on the page (the ``num`` filter) and kept in the downloads.
PLACES = {
    "mean_score": 2,
    "satisfied_share": 1,
    "satisfied_low": 1,
    "satisfied_high": 1,
    "score": 1,
    "score_low": 1,
    "score_high": 1,
}


def result_labels() -> dict[str, str]:
    """The results tables' headings, in the visitor's language."""
    return {
        "period": _("Month"),
        "survey": _("Survey"),
        # Its own context: "Origin" and "Source" (the column after) are both 来源 otherwise,
        # and a download had two columns with one heading.
        "origin": pgettext("survey result origin", "Origin"),
        "responses": _("Responses"),
        "mean_score": _("Mean score (1–5)"),
        "satisfied_share": _("Satisfied share (%)"),
        "satisfied_low": _("Satisfied share, 95% CI low"),
        "satisfied_high": _("Satisfied share, 95% CI high"),
        "score": _("Score (0–100)"),
        "score_low": _("Score, 95% CI low"),
        "score_high": _("Score, 95% CI high"),
        "source": _("Source"),
        "note": _("Note"),
    }


def rounded(value, places: int):
    """``value`` to ``places`` decimals as the page's ``num`` filter rounds it; None if missing."""
    return None if finite_or_none(value) is None else float(quantize(value, places))


def origin_label(origin: str) -> str:
    """本站评价 (aggregated from ratings on this site) or 由编辑录入 (entered by an editor)."""
    try:
        return str(SurveyResult.Origin(origin).label)
    except ValueError:
        return origin


def result_record(result: SurveyResult, *, with_survey: bool = False) -> dict:
    """One month of results as the page shows it."""
    row = {"period": iso_month(result.period)}
    if with_survey:
        row["survey"] = result.survey.display_title
    row.update(
        {
            "origin": origin_label(result.origin),
            "responses": result.responses,
            **{key: rounded(getattr(result, key), places) for key, places in PLACES.items()},
            "source": result.source,
            "note": result.note,
        }
    )
    return row


def result_records(results, *, with_survey: bool = False) -> list[dict]:
    """The results table's rows, newest month first (what a visitor looks for is the latest
    month; the charts keep time running left to right). Within a month the given order stays
    (a service's surveys by title)."""
    newest_first = sorted(results, key=lambda result: result.period, reverse=True)
    return [result_record(result, with_survey=with_survey) for result in newest_first]


def level_labels(question: SurveyQuestion | None) -> dict[int, str]:
    """The five levels in words, best first, in the visitor's language: the overall
    question's scale (非常满意 … 非常不满意 unless it uses another five-point scale)."""
    scales = default_scale_labels()
    scale = question.scale if question is not None and question.scale in scales else None
    labels = scales[scale or SurveyQuestion.Scale.SATISFACTION]
    return {level: str(label) for level, label in zip(LEVELS, labels, strict=True)}


def distribution_records(result: SurveyResult | None, labels: dict[int, str]) -> list[dict]:
    """A month's answers at each level, best first, with their share of all answers (per
    cent, one decimal); empty when the month has no distribution (results entered by an
    editor give only the totals)."""
    if result is None or not result.distribution:
        return []
    counts = {level: int(result.distribution.get(str(level), 0) or 0) for level in LEVELS}
    total = sum(counts.values())
    if total == 0:
        return []
    return [
        {
            "level": level,
            "label": labels[level],
            "count": counts[level],
            "share": rounded(counts[level] * 100 / total, 1),
        }
        for level in LEVELS
    ]


# --- downloads -------------------------------------------------------------------------------


def results_download(
    rows: list[dict],
    fmt: str,
    *,
    keys: list[str],
    filename: str,
    about: list[tuple[str, object]],
    meta: dict,
):
    """The results table ``rows`` (as the page printed them) as CSV, XLSX or JSON.

    CSV holds the table alone; XLSX adds an "about" sheet and JSON the same facts as fields
    (what the figures are, where from, as of when). Text an editor typed that starts like a
    formula stays text (``portal.exports``)."""
    # dtype object: a month without figures must not turn the counts into floats (120.0).
    frame = pd.DataFrame(rows, columns=keys, dtype=object)
    labels = result_labels()
    as_of = max((row["period"] for row in rows), default=None)
    generated_at = timezone.localtime().isoformat(timespec="seconds")
    if fmt == "csv":
        body = exports.frame_csv(frame, labels)
    elif fmt == "xlsx":
        sheet = exports.about_frame(
            [*about, (_("Data as of"), as_of or ""), (_("Downloaded at"), generated_at)]
        )
        body = exports.workbook([("data", frame.rename(columns=labels)), ("about", sheet)])
    elif fmt == "json":
        payload = {
            **meta,
            "as_of": as_of,
            "generated_at": generated_at,
            "columns": exports.columns_json(keys, labels),
            "data": rows,
        }
        body = exports.json_bytes(payload)
    else:
        raise ValueError(fmt)
    return exports.attachment(body, fmt, filename)
