"""manage.py pull_department_data: fetch and import every active data source (portal/pull.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.pull import pull_all_sources


class Command(BaseCommand):
    """Fetch each registered department file and import it; report each source's outcome."""

    help = (
        "Fetch every active data source (Data interfaces → Data sources) and import it, all or "
        "nothing per source; one failing source does not stop the others."
    )

    def handle(self, *args, **options):
        outcomes = pull_all_sources()
        for outcome in outcomes:
            line = f"{outcome.source.name}: {outcome.message}"
            (self.stdout if outcome.ok else self.stderr).write(line)
        failed = sum(not outcome.ok for outcome in outcomes)
        if failed:
            # A non-zero exit makes cron mail (or systemd mark) the failed run.
            raise CommandError(
                _("%(failed)s of %(total)s sources failed.")
                % {"failed": failed, "total": len(outcomes)}
            )
        self.stdout.write(_("%(total)s sources pulled.") % {"total": len(outcomes)})
