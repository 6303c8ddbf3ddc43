"""`manage.py draw_charts`: draw the indicators' charts whose data changed (cron, after a deploy)."""

from django.core.management.base import BaseCommand

from portal.charts import draw_missing_charts


class Command(BaseCommand):
    """Draw every published indicator's chart that is not kept in the shared cache yet."""

    help = (
        "Draw, in every language, the chart of each indicator of a published year whose "
        "drawing is not in the shared cache (its figures or terms changed, the code that draws "
        "it was deployed anew, or it expired); kept drawings stay. The open-data build that "
        "follows a data change does the same; run this after a deploy or a cache flush."
    )

    def handle(self, *args, **options):
        report = draw_missing_charts()
        self.stdout.write(
            f"Charts: {report.drawn} drawn, {report.kept} kept, in {report.seconds:.1f}s."
        )
