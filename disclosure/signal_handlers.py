"""A published report's figures are stored with its revision (disclosure.snapshots). The
home page lists the newest reports and is cached: publishing, unpublishing, moving or
deleting a report (or restricting it) drops the cached public pages; a new report index gets
the review workflow (connected in ready())."""

from django.db.models.signals import post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from disclosure.models import ReportIndexPage, ReportPage
from disclosure.workflow import report_index_created
from portal import cache as portal_cache


def _bump_for_reports(sender, instance=None, **kwargs):
    if isinstance(instance, ReportPage) or (
        instance is not None and ReportPage.objects.descendant_of(instance).exists()
    ):
        portal_cache.bump_data_version()


def _snapshot_figures(sender, instance=None, revision=None, **kwargs):
    """Store the figures a report is published with (disclosure.snapshots)."""
    if isinstance(instance, ReportPage):
        from disclosure.snapshots import take_snapshot

        take_snapshot(instance, revision)


def register_signal_handlers() -> None:
    # Before the cache bump below: the page cache is dropped once the snapshot exists.
    page_published.connect(_snapshot_figures, dispatch_uid="disclosure-snapshot")
    uid = "disclosure-cache"
    page_published.connect(_bump_for_reports, dispatch_uid=f"{uid}-published")
    page_unpublished.connect(_bump_for_reports, dispatch_uid=f"{uid}-unpublished")
    post_page_move.connect(_bump_for_reports, dispatch_uid=f"{uid}-moved")
    # A report's saves are drafts until published (above); deleting one removes it at once.
    portal_cache.bump_on_change(ReportPage, uid=uid, on_save=False)
    portal_cache.bump_on_change(PageViewRestriction, uid=uid)
    post_save.connect(
        report_index_created, sender=ReportIndexPage, dispatch_uid="disclosure-review-index"
    )
