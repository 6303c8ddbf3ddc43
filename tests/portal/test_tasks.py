"""Background work: a change that feeds a score queues a recompute task when it commits."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus, default_task_backend

from portal.factories import CycleFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from portal.models import Evaluation
from portal.recompute import schedule_recompute
from portal.tasks import recompute_cycle_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    """A cycle with one figure and no evaluation computed yet."""
    cycle = CycleFactory(year=2026)
    indicator = IndicatorFactory(goal=GoalFactory(cycle=cycle))
    MeasurementFactory(indicator=indicator, period=datetime.date(2026, 1, 1), value=5)
    return cycle


def test_a_recompute_is_queued_once_per_cycle_when_the_change_commits(
    settings, cycle, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute([cycle.pk, cycle.pk, None])
        assert default_task_backend.results == []  # nothing before the commit
    queued = default_task_backend.results
    assert [(r.task.name, list(r.args)) for r in queued] == [("recompute_cycle_task", [cycle.pk])]


# Transactional: the worker closes the database connection between tasks, as it must.
@pytest.mark.django_db(transaction=True)
def test_the_production_worker_runs_a_queued_recompute(settings, cycle):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        schedule_recompute([cycle.pk])
    assert not Evaluation.objects.exists()  # queued in the database, not run
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert Evaluation.objects.filter(cycle=cycle).exists()


def test_the_task_recomputes_the_cycle_and_skips_a_deleted_one(cycle):
    result = recompute_cycle_task.enqueue(cycle.pk)  # the immediate backend of the tests
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert Evaluation.objects.filter(cycle=cycle).exists()
    gone = CycleFactory(year=2030)
    pk = gone.pk
    gone.delete()
    assert recompute_cycle_task.enqueue(pk).status == TaskResultStatus.SUCCESSFUL
