"""Hooks: the newest reports on the public home page (``portal_home_panels``); a department
editor's page explorer and page chooser list only their own department's reports (another
department's drafts and their titles stay with that department and the city). The other
admin lists ask the page permission policy, which
``disclosure.permissions.DepartmentPagePermissionPolicy`` narrows the same way."""

from django.urls import reverse
from wagtail import hooks

from disclosure import admin_views
from disclosure.feeds import feed_links
from disclosure.models import ReportPage
from disclosure.permissions import hidden_report_ids


@hooks.register("register_admin_viewset")
def register_indicator_chooser():
    """The indicator chooser of the report blocks (disclosure.choosers)."""
    from disclosure.choosers import indicator_chooser_viewset

    return indicator_chooser_viewset


@hooks.register("portal_home_panels")
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


def _without_other_departments_reports(pages, request):
    # By primary key, not a join: the admin search runs this queryset through Wagtail's
    # search backend, which can filter on pk but not on a related field.
    hidden = hidden_report_ids(request.user)
    return pages if hidden is None else pages.exclude(pk__in=hidden)


@hooks.register("construct_explorer_page_queryset")
def explorer_reports(parent_page, pages, request):
    return _without_other_departments_reports(pages, request)


@hooks.register("construct_page_chooser_queryset")
def chooser_reports(pages, request):
    return _without_other_departments_reports(pages, request)


hooks.register("register_admin_urls", lambda: admin_views.urlpatterns)
# The "Draft a monthly report" button in the report index's header (its listing of reports).
hooks.register("register_page_header_buttons", admin_views.index_buttons)


@hooks.register("portal_department_head_links")
def department_feed_links(request, department) -> list[dict]:
    """A department's page links the city's report feed and the department's own."""
    return feed_links(department)


@hooks.register("portal_demo_data")
def reports_demo_data():
    # Imported here, when the demo is built, not by every process that looks up a hook.
    from disclosure import demo
    from portal.demo import DemoExtension

    return DemoExtension("Reports", build=demo.build, flush=demo.flush)
