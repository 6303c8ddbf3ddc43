"""Create a statutory annual report (a draft) from a transcribed source file (JSON)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.annual_source import SourceError, import_annual_report


class Command(BaseCommand):
    help = (
        "Create a 政府信息公开工作年度报告 from a JSON transcription (the format of "
        "tests/data/annual_report_hongze_2023.json), as a draft for editors to complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as-printed",
            action="store_true",
            help="Keep totals that do not add up as the source prints them (marked on the page).",
        )
        parser.add_argument("--publish", action="store_true", help="Publish it at once.")

    def handle(self, *args, path, as_printed, publish, **options):
        try:
            data = json.loads(path.read_text("utf-8"))
            report = import_annual_report(data, as_printed=as_printed, publish=publish)
        except (OSError, ValueError, KeyError) as problem:
            if isinstance(problem, SourceError):
                raise CommandError(f"{problem}\n(--as-printed keeps the source's totals)") from None
            raise CommandError(f"{path}: {problem}") from None
        state = "published" if publish else "draft"
        kept = " (totals kept as printed where they do not add up)" if as_printed else ""
        self.stdout.write(f"Created “{report.title}” ({state}, page {report.pk}){kept}.")
