"""manage.py draft_monthly_report [--month YYYY-MM] [--department SLUG]."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosure.actions import draft_monthly_report
from disclosure.monthly import MonthlyReportError
from portal.months import iso_month, parse_month_param, previous_month


class Command(BaseCommand):
    """Write the monthly report of a month as a draft (never published)."""

    help = (
        "Draft the monthly performance report of a month (default: last month) from the "
        "scores, for the city or one department. A second run updates the same draft; a "
        "published report gets a new draft revision and stays as published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month, e.g. 2026-10 (default: last month).")
        parser.add_argument("--department", help="A department's slug (default: the city).")

    def handle(self, *args, **options):
        from portal.models import Department

        raw = options["month"]
        month = parse_month_param(raw) if raw else previous_month(timezone.localdate())
        if month is None:
            raise CommandError(f"--month must look like 2026-10, not {raw!r}.")
        department = None
        if options["department"]:
            department = Department.objects.filter(slug=options["department"]).first()
            if department is None:
                raise CommandError(f"There is no department {options['department']!r}.")
        try:
            result = draft_monthly_report(month, department=department)
        except MonthlyReportError as error:
            raise CommandError(str(error)) from error
        report = result.report
        if result.created:
            what = "created the draft"
        elif result.live:
            what = (
                "the report is already published: added a new draft revision "
                "(the published report is unchanged)"
            )
        else:
            what = "updated the draft (a new revision)"
        if result.review_cancelled:
            what += "; its review was cancelled: submit it again"
        self.stdout.write(f"{iso_month(month)}: {what} “{report.title}” (page {report.pk}).")
