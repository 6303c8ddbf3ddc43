"""The home page lists the newest reports and is cached: publishing, unpublishing, moving or
deleting a report (or restricting it) drops the cached public pages (connected in ready())."""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from disclosure.models import ReportPage
from portal import cache as portal_cache


def _bump(sender, instance=None, **kwargs):
    portal_cache.bump_data_version()


def _bump_for_reports(sender, instance=None, **kwargs):
    if isinstance(instance, ReportPage) or (
        instance is not None and ReportPage.objects.descendant_of(instance).exists()
    ):
        portal_cache.bump_data_version()


def connect() -> None:
    uid = "disclosure-cache"
    page_published.connect(_bump_for_reports, dispatch_uid=f"{uid}-published")
    page_unpublished.connect(_bump_for_reports, dispatch_uid=f"{uid}-unpublished")
    post_page_move.connect(_bump_for_reports, dispatch_uid=f"{uid}-moved")
    post_delete.connect(_bump, sender=ReportPage, dispatch_uid=f"{uid}-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _bump, sender=PageViewRestriction, dispatch_uid=f"{uid}-{signal is post_save}"
        )


def home_panel(request, cycle) -> dict:
    """The five newest published reports for the home page."""
    reports = (
        ReportPage.objects.visible()
        .order_by("-report_date", "-pk")
        .only("title", "url_path", "report_date", "path", "depth")[:5]
    )
    return {
        "reports_url": reverse("disclosure:index"),
        "latest_reports": [
            {"title": r.title, "url": r.get_url(request), "date": r.report_date} for r in reports
        ],
    }
