"""Work on reports with several steps: drafting the monthly report from the data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from disclosure.models import ReportIndexPage, ReportKind, ReportPage
from disclosure.monthly import (
    MonthlyReportError,
    monthly_body,
    monthly_figures,
    monthly_summary,
    monthly_title,
)
from disclosure.snapshots import take_snapshot
from portal.permissions import (
    can_manage_all_departments,
    editable_departments,
    user_can_manage_department,
)


@dataclass
class MonthlyDraft:
    """What ``draft_monthly_report`` wrote: the report, and whether it was new or published."""

    report: ReportPage
    created: bool
    live: bool  # the report was already published: only a new draft revision was added
    review_cancelled: bool = False  # it was in review: new figures must be submitted again


def may_draft_monthly_report(user, department=None) -> bool:
    """City administrators draft any monthly report; a department editor who may add reports
    drafts their own department's (never the city's)."""
    if can_manage_all_departments(user):
        return True
    index = ReportIndexPage.objects.order_by("path").first()
    return (
        department is not None
        and user_can_manage_department(user, department)
        and index is not None
        and index.permissions_for_user(user).can_add_subpage()
    )


def may_draft_some_monthly_report(user) -> bool:
    """May the user draft any monthly report (the city's, or one of their departments')?"""
    first = editable_departments(user).order_by("sort_order", "name").first()
    return may_draft_monthly_report(user, None) or (
        first is not None and may_draft_monthly_report(user, first)
    )


def _slug(index: ReportIndexPage, month: datetime.date, department) -> str:
    base = f"{month:%Y-%m}-monthly" + (f"-{department.slug}" if department is not None else "")
    slug, n = base, 1
    taken = set(index.get_children().values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def draft_monthly_report(
    month: datetime.date, *, department=None, user=None, index: ReportIndexPage | None = None
) -> MonthlyDraft:
    """Write the monthly report of ``month`` (for the city, or ``department``) as a draft.

    A second run for the same month and department writes a new revision of the same report
    (the editor's earlier revisions stay in its history); if that report is published, the
    new revision is a draft and the live report is untouched. A report in review has its
    review cancelled, since approving would publish figures nobody reviewed (Wagtail
    publishes the latest revision): it is submitted again. Never publishes. Raises
    ``MonthlyReportError`` when the month has no published scores. The text is in the site's
    default language (LANGUAGE_CODE), whatever the caller's.
    """
    month = month.replace(day=1)
    index = index or ReportIndexPage.objects.order_by("path").first()
    if index is None:
        raise MonthlyReportError(_("There is no report index to put the report under."))
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        figures = monthly_figures(month, department)
        fields = {
            "summary": monthly_summary(figures),
            "body": monthly_body(figures),
            "report_date": timezone.localdate(),
        }
        existing = (
            ReportPage.objects.filter(kind=ReportKind.MONTHLY, period=month, department=department)
            .order_by("pk")
            .first()
        )
        if existing is None:
            report = ReportPage(
                title=monthly_title(month, department),
                slug=_slug(index, month, department),
                kind=ReportKind.MONTHLY,
                period=month,
                year=month.year,
                department=department,
                live=False,
                owner=user,
                **fields,
            )
            index.add_child(instance=report)
            report.save_revision(user=user, log_action=True)
            return MonthlyDraft(report=report, created=True, live=False)
        review = existing.workflow_in_progress and existing.current_workflow_state
        if review:
            review.cancel(user=user)
        # The latest revision, as the editor would open it: their title and settings stay.
        draft = existing.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.save_revision(user=user, log_action=True)
        return MonthlyDraft(
            report=ReportPage.objects.get(pk=existing.pk),
            created=False,
            live=existing.live,
            review_cancelled=bool(review),
        )


def freeze_live_reports(*, dry_run: bool = False) -> list[ReportPage]:
    """Snapshot every live report whose live revision has none (a report published before
    snapshots existed shows today's figures until then); the reports frozen. Run once after
    upgrading to a release with snapshots (``manage.py snapshot_reports``)."""
    frozen = []
    for page in ReportPage.objects.live().exclude(live_revision=None).specific():
        if page.snapshots.filter(revision_id=page.live_revision_id).exists():
            continue
        if not dry_run:
            take_snapshot(page, page.live_revision)
        frozen.append(page)
    return frozen
