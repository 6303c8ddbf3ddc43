"""The public list of reports at a fixed address (/reports/), whatever the index page's slug;
a report's earlier published versions; and each figure block's table as CSV, XLSX or JSON."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from disclosure import figures as block_figures
from disclosure.models import ReportIndexPage, ReportPage, ReportSnapshot, report_list_context
from disclosure.snapshots import compute_block_figures, live_snapshot
from portal import exports


@require_safe
def report_index(request):
    index = ReportIndexPage.objects.live().public().order_by("path").first()
    context = {"page": index, "self": index}
    context.update(report_list_context(request, index))
    return render(request, "disclosure/report_index_page.html", context)


# Primary keys are 32-bit integers: a larger number in an address names nothing (and must not
# reach the database, which would refuse it with an error).
_LARGEST_ID = 2**31 - 1


def _visible_report(page_id: int) -> ReportPage:
    if page_id > _LARGEST_ID:
        raise Http404
    return get_object_or_404(ReportPage.objects.visible(), pk=page_id)


def _snapshot(report: ReportPage, snapshot_id: int) -> ReportSnapshot:
    if snapshot_id > _LARGEST_ID:
        raise Http404
    return get_object_or_404(ReportSnapshot, page=report, pk=snapshot_id)


@require_safe
def report_version(request, page_id: int, snapshot_id: int):
    """An earlier published version of a report, rendered from its own snapshot and marked as
    superseded."""
    report = _visible_report(page_id)
    snapshot = _snapshot(report, snapshot_id)
    if snapshot.revision is None:
        raise Http404
    page = snapshot.revision.as_object()
    context = page.get_context(request, snapshot=snapshot)
    return TemplateResponse(request, page.get_template(request), context)


@require_safe
def block_download(request, page_id: int, block_id: str, fmt: str, snapshot_id=None):
    """One block's table, exactly as the page shows it: from the live revision's snapshot
    (or the earlier version's), else computed like the page computes it."""
    if fmt not in exports.FORMATS:
        raise Http404
    report = _visible_report(page_id)
    if snapshot_id is not None:
        snapshot = _snapshot(report, snapshot_id)
    else:
        snapshot = live_snapshot(report)
    if snapshot is not None:
        figures = snapshot.figures_for(get_language() or "").get(block_id)
    else:
        figures = compute_block_figures(report).get(block_id)
    if figures is None or not figures.get("columns"):
        raise Http404
    about = [
        (_("Report"), report.title),
        (_("Table"), figures.get("title", "")),
        (_("Data as of"), figures.get("as_of") or ""),
        (_("Source"), figures.get("source") or ""),
        (
            _("Published at"),
            snapshot.published_at.isoformat(timespec="seconds") if snapshot else "",
        ),
        (_("Page"), request.build_absolute_uri(report.url or "")),
    ]
    filename = f"{report.slug}-{block_id[:8]}"
    return block_figures.download(figures, fmt, filename, about=about)
