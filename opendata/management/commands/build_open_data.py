"""`manage.py build_open_data`: build the open-data files now (cron, the demo, after a deploy)."""

from django.core.management.base import BaseCommand, CommandError

from opendata import building


class Command(BaseCommand):
    """Build the files of every dataset whose content changed, in every language."""

    help = (
        "Build the open-data files (/data/) of every dataset whose content changed, in every "
        "language. Datasets that did not change keep their files. Safe to run at any time: "
        "when a build is running already, that one builds again when it ends."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dataset", action="append", dest="keys", help="Only this dataset (repeatable)."
        )

    def handle(self, *args, keys=None, verbosity=1, **options):
        def progress(outcome):
            if verbosity >= 1:
                self.stdout.write(
                    f"{outcome.key:<28} {outcome.language:<8} {outcome.result:<10} "
                    f"{outcome.rows:>8} rows {outcome.seconds:7.2f}s"
                )

        report = building.build_catalogue(keys=keys, progress=progress)
        if report.busy:
            self.stdout.write("A build is running already; it will build again when it ends.")
            return
        if report.rerun:
            from opendata.tasks import schedule_build

            schedule_build()
        self.stdout.write(f"Open data built in {report.seconds:.1f}s.")
        if report.failed:
            raise CommandError(
                "Failed: " + ", ".join(f"{o.key} ({o.language})" for o in report.failed)
            )
