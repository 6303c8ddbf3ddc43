"""Test and demo helpers: the report index and report pages, published or as drafts; the
block builders (heading, paragraph, table, chart) also write the generated monthly report."""

from __future__ import annotations

import datetime
import uuid

from disclosure.models import ReportIndexPage, ReportKind, ReportPage


def report_index(title: str = "报告公开", slug: str = "reports") -> ReportIndexPage:
    """The site's report index under the home page (created, live, on first use)."""
    from portal.models import HomePage

    index = ReportIndexPage.objects.order_by("path").first()
    if index is not None:
        return index
    home = HomePage.objects.order_by("path").first()
    index = ReportIndexPage(title=title, slug=slug)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def paragraph(html: str) -> tuple[str, str]:
    return ("paragraph", html)


def heading(text: str) -> tuple[str, str]:
    return ("heading", text)


def table(caption: str, rows: list[list], *, source: str = "", note: str = "", header_col=True):
    """A data-table block: the first row is the header row."""
    return (
        "table",
        {
            "caption": caption,
            "table": {
                "data": [[None if c is None else str(c) for c in row] for row in rows],
                "first_row_is_table_header": True,
                "first_col_is_header": header_col,
            },
            "source": source,
            "note": note,
        },
    )


def chart(
    indicator_code: str,
    caption: str = "",
    *,
    chart_type: str = "",
    others: list[str] = (),
    from_month: str = "",
    to_month: str = "",
):
    """A chart block; with no options, the stored form of the first chart blocks (code and
    caption only), which every later version reads."""
    value = {"indicator": indicator_code, "caption": caption}
    if chart_type or others or from_month or to_month:
        value.update(
            chart_type=chart_type or "line",
            others=list(others),
            from_month=from_month,
            to_month=to_month,
        )
    return ("indicator_chart", value)


def indicator_table(codes: list[str], caption: str = "", to_month: str = ""):
    return (
        "indicator_table",
        {"indicators": list(codes), "caption": caption, "to_month": to_month},
    )


def status_summary(year: int, department_slug: str = "", caption: str = ""):
    return ("status_summary", {"year": year, "department": department_slug, "caption": caption})


def rankings(year: int, *, month: str = "", limit: int | None = None, caption: str = ""):
    return ("rankings", {"year": year, "month": month, "limit": limit, "caption": caption})


def scorecard(year: int, department_slug: str, *, month: str = "", caption: str = ""):
    return (
        "department_scorecard",
        {"year": year, "department": department_slug, "month": month, "caption": caption},
    )


def make_report(
    title: str,
    *,
    body=(),
    publish: bool = True,
    index: ReportIndexPage | None = None,
    kind: str = ReportKind.PERFORMANCE,
    year: int = 2025,
    period: datetime.date | None = None,
    department=None,
    summary: str = "",
    report_date: datetime.date | None = None,
    publisher: str = "",
    user=None,
    published_by=None,
    slug: str = "",
) -> ReportPage:
    """A report under the index, written by ``user`` (a revision, as in the editor) and
    published by ``published_by`` (default: the same user), or left as a draft."""
    index = index or report_index()
    page = ReportPage(
        title=title,
        slug=slug or f"r-{uuid.uuid4().hex[:10]}",
        kind=kind,
        year=year,
        period=period,
        department=department,
        summary=summary,
        report_date=report_date or datetime.date(year + 1, 2, 1),
        publisher=publisher,
        body=list(body),
        live=False,
    )
    index.add_child(instance=page)
    revision = page.save_revision(user=user)
    if publish:
        revision.publish(user=published_by or user)
        page.refresh_from_db()
    return page
