"""manage.py search_index rebuild | retry | status."""

import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.backends.base import SearchUnavailable


class Command(BaseCommand):
    help = (
        "rebuild: index every public document into a fresh index and swap it in (search keeps "
        "working meanwhile); retry: send index updates queued while the backend was down; "
        "status: compare the index with the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "retry", "status"])
        parser.add_argument(
            "--limit", type=int, default=None, help="retry: send at most this many updates"
        )
        parser.add_argument("--no-progress", action="store_true", help="rebuild: no progress bar")

    def handle(self, *args, action, limit=None, no_progress=False, **options):
        try:
            getattr(self, f"handle_{action}")(limit=limit, no_progress=no_progress)
        except SearchUnavailable as exc:
            raise CommandError(f"The search backend is unavailable: {exc}") from exc

    def handle_rebuild(self, no_progress=False, **kwargs):
        started = time.perf_counter()
        bar = None if no_progress else ProgressBar(self.stdout)
        written = indexing.rebuild(progress=bar.update if bar else None)
        if bar:
            bar.finish()
        seconds = time.perf_counter() - started
        rate = written / seconds if seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {written} documents in {seconds:.1f} s ({rate:.0f} docs/s)."
            )
        )

    def handle_retry(self, limit=None, **kwargs):
        result = indexing.retry(limit=limit)
        if result.error:
            # A failure the scheduler sees: CommandError exits with status 1, message on stderr.
            raise CommandError(
                f"Sent {result.sent}; the backend is still unavailable ({result.error}); "
                f"{result.remaining} update(s) wait for the next retry."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Sent {result.sent}; {result.remaining} update(s) waiting.")
        )

    def handle_status(self, **kwargs):
        state = indexing.status()
        self.stdout.write(f"backend:   {state.backend}")
        self.stdout.write(f"available: {'yes' if state.available else 'no'}")
        if state.error:
            self.stdout.write(f"error:     {state.error}")
        self.stdout.write(f"indexed:   {state.indexed if state.indexed is not None else '-'}")
        self.stdout.write(f"expected:  {state.expected if state.expected is not None else '-'}")
        self.stdout.write(f"pending:   {state.pending}")


class ProgressBar:
    """A one-line text progress bar (redrawn in place on a terminal, a line per 10 % else)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.last_decile = -1
        self.started = time.perf_counter()

    def update(self, done: int, total: int | None) -> None:
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0
        if total:
            share = min(1.0, done / total)
            filled = int(share * self.WIDTH)
            line = (
                f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} "
                f"{done}/{total} ({rate:.0f} docs/s)"
            )
            decile = int(share * 10)
        else:
            line, decile = f"{done} documents ({rate:.0f} docs/s)", done // 10000
        if self.tty:
            self.stream.write("\r" + line, ending="")
            self.stream.flush()
        elif decile != self.last_decile:
            self.stream.write(line)
        self.last_decile = decile

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
