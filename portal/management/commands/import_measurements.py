"""manage.py import_measurements FILE [--user USERNAME] [--dry-run]."""

import getpass
import os
import socket
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.importing import error_report_lines, import_measurements, summary_line


def shell_origin() -> dict:
    """Who ran an import without --user, for the audit log: the command, account and host."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. some containers)
        account = str(os.getuid())
    return {
        "via": "manage.py import_measurements",
        "account": account,
        "host": socket.gethostname(),
    }


class Command(BaseCommand):
    """Import measurements from a CSV or XLSX file (all or nothing; see portal/importing.py)."""

    help = (
        "Import measurements from a CSV or XLSX file: columns indicator_code, period, value "
        "and optionally note, source, reason. Nothing is written if any row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .xlsx file.")
        parser.add_argument(
            "--user",
            help="Import as this user (their department rights apply and they are recorded "
            "as the editor). Without it the import runs as the system, for every department.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, write nothing."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("No user named “%(name)s”.") % {"name": options["user"]}
                ) from None
        with path.open("rb") as fileobj:
            result = import_measurements(
                fileobj,
                path.name,
                user=user,
                dry_run=options["dry_run"],
                origin=None if user else shell_origin(),
            )
        if not result.ok:
            for line in error_report_lines(result):
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "%(count)d error in %(file)s; nothing was written.",
                    "%(count)d errors in %(file)s; nothing was written.",
                    result.error_count,
                )
                % {"count": result.error_count, "file": path.name}
            )
        self.stdout.write(summary_line(result))
