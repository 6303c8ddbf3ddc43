"""manage.py recompute_scores [--year YEAR]."""

from django.core.management.base import BaseCommand, CommandError

from portal.evaluation import recompute_cycle
from portal.models import Cycle
from portal.months import iso_month


class Command(BaseCommand):
    """Recompute statuses, goal lights and department scores of one or every cycle."""

    help = (
        "Recompute indicator and goal statuses and the monthly department evaluations "
        "(scores, ranks, grades) of the given year, or of every cycle without --year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this evaluation year, e.g. 2026.")

    def handle(self, *args, **options):
        cycles = Cycle.objects.order_by("year")
        if options["year"] is not None:
            cycles = cycles.filter(year=options["year"])
            if not cycles.exists():
                raise CommandError(f"There is no evaluation cycle for {options['year']}.")
        for cycle in cycles:
            result = recompute_cycle(cycle)
            as_of = iso_month(result.as_of) or "no figures yet"
            self.stdout.write(
                f"{result.year}: as of {as_of}; {result.indicators} indicators "
                f"({result.indicators_changed} changed), {result.goals_changed} goals changed, "
                f"{result.evaluations} evaluations in {result.seconds:.2f}s"
            )
