"""manage.py aggregate_surveys [--month YYYY-MM]."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.aggregation import aggregate_month


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"--month must look like 2026-10, not {text!r}.") from error


class Command(BaseCommand):
    """Turn residents' ratings into monthly results and satisfaction indicator scores."""

    help = (
        "Aggregate the ratings of a month (default: last month, the latest finished one) into "
        "each survey's and service's monthly result and the linked satisfaction indicators' "
        "scores. Safe to run again: the same ratings give the same figures. A month in "
        "progress is aggregated only when named: each run would change its figures, and every "
        "change of a published figure is a correction with its history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, help="The month, e.g. 2026-10.")

    def handle(self, *args, month=None, **options):
        if month is None:
            this_month = timezone.localdate().replace(day=1)
            month = (this_month - datetime.timedelta(days=1)).replace(day=1)
        for wanted in [month]:
            started = time.monotonic()
            result = aggregate_month(wanted)
            self.stdout.write(
                f"{wanted:%Y-%m}: {result.responses} ratings, {result.results_written} results, "
                f"{len(result.measurements)} indicator scores in {time.monotonic() - started:.1f}s"
            )
            for code, outcome in sorted(result.measurements.items()):
                self.stdout.write(f"  {code}: {outcome}")
            for note in result.skipped:
                self.stdout.write(f"  {note}")
