"""Build the fictional demo city 青川市 (replaces all departments, goals, indicators and data)."""

import argparse
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEFAULT_SEED, build_demo_city
from portal.months import iso_month


class Command(BaseCommand):
    """`manage.py load_demo_data [--scale N] [--seed S]`: the demo city from factories."""

    help = (
        "Delete all performance data (departments, cycles, goals, indicators, measurements, "
        "evaluations) and build the fictional city of Qingchuan. Same seed, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="1 = 26 departments and ~520 indicators per year; 10 = 200 departments.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD): decides the years and as-of month.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete the previous data first (always done; accepted for clarity).",
        )
        # A small city for the test suite; not part of the documented interface.
        parser.add_argument("--departments", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, scale, seed, today, departments, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")
            self.stdout.flush()

        result = build_demo_city(
            scale=scale, seed=seed, today=today, department_count=departments, log=progress
        )
        elapsed = time.monotonic() - started

        write = self.stdout.write
        write(
            self.style.SUCCESS(f"Demo city built in {elapsed:.1f}s (scale {scale}, seed {seed}).")
        )
        write(f"  Data as of:     {iso_month(result.as_of)}")
        write(f"  Departments:    {result.departments}")
        write("  Goals:          " + _pairs(result.goals_by_level))
        write("  Indicators:     " + _pairs(result.indicators_by_dimension))
        write(f"  Measurements:   {result.measurements}")
        write(f"  Corrections:    {result.corrections}")
        write("  Status colours: " + _pairs(result.statuses))
        write("")
        write("Admin: http://127.0.0.1:8000/admin/")
        write(f"  superuser       admin / {result.admin_password}")
        write(f"  city admin      city_admin / {result.editor_password}")
        for username in result.editors:
            write(f"  editor          {username} / {result.editor_password}")


def _pairs(counts: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "-"
