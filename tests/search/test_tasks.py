"""Indexing runs as a django-tasks task once the transaction commits; the outbox keeps what the
search backend could not take, because django-tasks runs a failed task only once
(docs/decisions/0001-search-outbox-with-tasks.md)."""

from __future__ import annotations

import dataclasses
import io
import logging
import signal

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks.signals import task_finished

from search import indexing, tasks
from search.backends.base import SearchQuery, SearchUnavailable
from search.backends.embedded import EmbeddedBackend
from search.models import PendingIndexUpdate


@pytest.fixture
def finished():
    """The results of the indexing tasks that run during the test, in order (Wagtail runs
    tasks of its own, e.g. its reference index)."""
    results = []

    def record(sender, task_result, **kwargs):
        if task_result.task.func is tasks.index_documents.func:
            results.append(task_result)

    task_finished.connect(record)
    yield results
    task_finished.disconnect(record)


@pytest.fixture
def indexed(embedded, city):
    indexing.rebuild()
    indexing._pending_set().clear()  # what building the city queued is in the rebuild
    return embedded


def titles(backend, text: str) -> list[str]:
    return [h.title for h in backend.search(SearchQuery(text=text, types=("goal",))).hits]


def test_a_save_is_indexed_by_a_task_once_the_transaction_commits(
    indexed, city, finished, django_capture_on_commit_callbacks
):
    goal = city.goals["service"]
    with django_capture_on_commit_callbacks() as callbacks:
        goal.title = "推进政务服务掌上办理"
        goal.save()
    assert finished == [] and titles(indexed, "掌上办理") == []  # not before the commit
    for callback in callbacks:
        callback()
    [result] = finished
    assert ["goal", str(goal.pk)] in result.args[0]
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert titles(indexed, "掌上办理") == ["推进政务服务掌上办理"]


def test_a_rolled_back_save_queues_no_task(
    indexed, city, finished, django_capture_on_commit_callbacks
):
    goal = city.goals["service"]
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            goal.title = "推进政务服务掌上办理"
            goal.save()
            raise RuntimeError("the editor's form failed")
    assert finished == [] and titles(indexed, "掌上办理") == []


def test_a_task_run_while_the_backend_is_down_succeeds_and_the_outbox_keeps_the_updates(
    indexed, city, tmp_path, finished, monkeypatch, django_capture_on_commit_callbacks
):
    down = EmbeddedBackend(tmp_path / "missing" / "x.sqlite3", synonyms=list)
    monkeypatch.setattr("search.indexing.get_backend", lambda: down)
    goal = city.goals["service"]
    with django_capture_on_commit_callbacks(execute=True):
        goal.title = "推进政务服务掌上办理"
        goal.save()
    # The task did its job (nothing for django-tasks to retry, were it able to): the update
    # waits in the outbox for `search_index retry`.
    assert [r.status for r in finished] == [TaskResultStatus.SUCCESSFUL]
    assert PendingIndexUpdate.objects.filter(doc_type="goal", object_id=str(goal.pk)).exists()


# ---- why the outbox stays ------------------------------------------------------------------

RUNS: list[str] = []


@task()
def index_while_the_engine_is_down() -> None:
    RUNS.append("ran")
    raise SearchUnavailable("connection refused")


@pytest.fixture
def run_db_worker():
    """Run `manage.py db_worker --batch` (every ready task, then exit) in this process, and put
    back the signal handlers and log levels it sets."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [(lg, lg.level, list(lg.handlers)) for lg in loggers]

    def run():
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            verbosity=0,
            stdout=io.StringIO(),
        )

    yield run
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for lg, level, lg_handlers in levels:
        lg.setLevel(level)
        lg.handlers[:] = lg_handlers


@pytest.mark.django_db(transaction=True)
def test_django_tasks_runs_a_failed_task_only_once(settings, run_db_worker):
    """If this fails after a django-tasks upgrade, tasks may now promise what the outbox does:
    read docs/decisions/0001-search-outbox-with-tasks.md again."""
    retry_options = [
        f.name for f in dataclasses.fields(Task) if "retr" in f.name or "attempt" in f.name
    ]
    assert retry_options == [], "django-tasks can retry now: see the decision record"

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RUNS.clear()
    result = index_while_the_engine_is_down.enqueue()
    run_db_worker()
    run_db_worker()  # a second worker pass finds nothing left to run
    assert RUNS == ["ran"]
    result = index_while_the_engine_is_down.get_result(result.id)
    assert result.status == TaskResultStatus.FAILED


def test_a_bulk_import_indexes_the_monthly_results_it_wrote(
    indexed, city, finished, django_capture_on_commit_callbacks
):
    from portal.importing import import_measurements

    indicator = next(iter(city.indicators.values()))
    month = indicator.goal.cycle.start_date.replace(month=11)
    data = f"indicator_code,period,value\n{indicator.code},{month:%Y-%m},777.5\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        result = import_measurements(io.BytesIO(data), "november.csv")
    assert result.created == 1
    hits = indexed.search(SearchQuery(text=indicator.name, types=("result",))).hits
    assert f"{month:%Y-%m}" in {hit.period for hit in hits}  # the import's month is found
