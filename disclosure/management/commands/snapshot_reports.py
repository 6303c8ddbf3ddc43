"""manage.py snapshot_reports [--dry-run]."""

from django.core.management.base import BaseCommand
from django.db import transaction

from disclosure.actions import freeze_live_reports
from portal.cache import bump_data_version


class Command(BaseCommand):
    """Freeze the figures of published reports that have no snapshot yet."""

    help = (
        "Store the figures of every published report whose live version has none yet (reports "
        "published before figures were frozen show today's data until then). Safe to run "
        "again: a report with a snapshot is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reports without storing anything."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            frozen = freeze_live_reports(dry_run=dry_run)
            if frozen and not dry_run:
                bump_data_version()  # the cached pages go once this commits
        verb = "Would freeze" if dry_run else "Froze"
        for page in frozen:
            self.stdout.write(f"{verb}: {page.title} ({page.url_path})")
        self.stdout.write(f"{verb} the figures of {len(frozen)} report(s).")
