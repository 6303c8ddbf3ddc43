"""Atom feeds of published reports: all of them at /reports/feed/, and each department's at
/reports/feed/<department slug>/. Only what the public may read is listed
(``ReportPage.objects.visible()``): drafts, reports in review and restricted reports never."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from disclosure.models import ReportPage
from portal.i18n import localized_field

FEED_ENTRIES = 50


def department_name(department) -> str:
    return localized_field(department, "name") if department else _("Whole city")


class ReportFeed(Feed):
    """The newest published reports, of the city or of one department (``department``)."""

    feed_type = Atom1Feed

    def get_object(self, request, department: str | None = None):
        from portal.models import Department

        return get_object_or_404(Department, slug=department) if department else None

    def title(self, department):
        if department is None:
            return _("Reports")
        return _("Reports of %(department)s") % {"department": department_name(department)}

    def subtitle(self, department):
        return _("Published performance and disclosure reports, newest first.")

    def link(self, department):
        if department is None:
            return reverse("disclosure:index")
        return f"{reverse('disclosure:index')}?department={department.pk}"

    def feed_url(self, department):
        if department is None:
            return reverse("disclosure:feed")
        return reverse("disclosure:department_feed", args=[department.slug])

    def items(self, department):
        reports = ReportPage.objects.visible().select_related("department")
        if department is not None:
            reports = reports.filter(department=department)
        return reports.order_by("-report_date", "-pk")[:FEED_ENTRIES]

    def item_title(self, report):
        return report.title

    def item_link(self, report):
        return report.get_url() or reverse("disclosure:index")

    def item_guid(self, report):
        return report.full_url or f"report-{report.pk}"

    def item_description(self, report):
        about = " · ".join(
            [report.get_kind_display(), report.period_label(), department_name(report.department)]
        )
        return f"{about}。{report.summary}" if report.summary else about

    def item_categories(self, report):
        return [report.get_kind_display(), department_name(report.department)]

    def item_author_name(self, report):
        return report.publisher or department_name(report.department)

    def item_pubdate(self, report):
        # The publication date printed on the report, at the start of that day in the city.
        day = datetime.datetime.combine(report.report_date, datetime.time())
        return timezone.make_aware(day)

    def item_updateddate(self, report):
        return report.last_published_at or self.item_pubdate(report)


def feed_links(department=None) -> list[dict]:
    """The ``<link rel="alternate">`` entries of a page listing reports (the city's feed, and a
    department's own)."""
    atom = "application/atom+xml"
    links = [{"href": reverse("disclosure:feed"), "type": atom, "title": _("Reports (Atom feed)")}]
    if department is not None:
        links.append(
            {
                "href": reverse("disclosure:department_feed", args=[department.slug]),
                "type": atom,
                "title": _("Reports of %(department)s (Atom feed)")
                % {"department": department_name(department)},
            }
        )
    return links
