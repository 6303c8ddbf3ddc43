"""Test and demo helpers: the report index and report pages, published or as drafts."""

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


def chart(indicator_code: str, caption: str = ""):
    return ("indicator_chart", {"indicator": indicator_code, "caption": caption})


def make_report(
    title: str,
    *,
    body=(),
    publish: bool = True,
    index: ReportIndexPage | None = None,
    kind: str = ReportKind.PERFORMANCE,
    year: int = 2025,
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
