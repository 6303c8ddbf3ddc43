"""The files are built in the background once the data changed, never in a request: one build
per burst of changes, the last files served meanwhile, 503 for a dataset never built, an atomic
switch per dataset, a failing dataset alone, and two builds that cannot undo each other."""

from __future__ import annotations

import datetime
import json
import logging
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_tasks import default_task_backend

from opendata import building, datasets, tasks
from opendata.models import DatasetFile
from portal.actions import record_measurement
from portal.cache import VERSION_KEY, data_version, data_version_moved
from portal.models import Indicator
from tests.builders import EN, YEAR, build_city

pytestmark = pytest.mark.django_db

KEY = f"measurements-{YEAR}"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _fresh_marks():
    # The shared cache outlives a test's rolled-back data: no mark of another test's build.
    for key in (tasks.QUEUED_KEY, building.LOCK_KEY, building.RERUN_KEY):
        cache.delete(key)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the version's move and the build it queues)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def city(settings, commits):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    with commits():
        build_city(departments=1, months=2)


@pytest.fixture
def builds(monkeypatch):
    """The catalogue builds run, counted."""
    counted = []
    build = building.build_catalogue

    def counting(**kwargs):
        counted.append(kwargs)
        return build(**kwargs)

    monkeypatch.setattr(building, "build_catalogue", counting)
    return counted


@pytest.fixture
def saves(monkeypatch):
    """The names of the files written."""
    written = []
    save = InMemoryStorage._save

    def counting(storage, name, content):
        written.append(name)
        return save(storage, name, content)

    monkeypatch.setattr(InMemoryStorage, "_save", counting)
    return written


def _record(language="en") -> DatasetFile:
    return DatasetFile.objects.get(key=KEY, language=language)


def _download(client, fmt="json", key=KEY):
    return client.get(reverse("opendata:download", args=[key, fmt]), **EN)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _change(value="77.125", month=3):
    record_measurement(Indicator.objects.first(), datetime.date(YEAR, month, 1), Decimal(value))


def _queued_builds():
    return [r for r in default_task_backend.results if r.task.func is tasks.build_open_data.func]


# --- one build per burst of changes --------------------------------------------------------


def test_an_import_of_many_rows_moves_the_version_once_and_queues_one_build(
    settings, city, commits
):
    settings.TASKS = DUMMY  # the worker's queue, as in production
    moves = []
    data_version_moved.connect(
        lambda **kwargs: moves.append(kwargs), weak=False, dispatch_uid="test-moves"
    )
    try:
        with commits(), transaction.atomic():
            for month in range(3, 13):
                _change(str(month), month)
    finally:
        data_version_moved.disconnect(dispatch_uid="test-moves")
    assert len(moves) == 1
    assert len(_queued_builds()) == 1


def test_changes_until_the_build_starts_queue_one_build_that_waits(settings, city, commits):
    settings.TASKS = DUMMY
    for month in (3, 4, 5):  # three commits, e.g. rows saved one by one by a script
        with commits():
            _change(month=month)
    queued = _queued_builds()
    assert len(queued) == 1
    # It waits for the recompute that follows an import (OPEN_DATA_BUILD_DELAY).
    assert queued[0].task.run_after is not None
    tasks.build_open_data.call()  # the worker starts it: the next change queues another
    with commits():
        _change(month=6)
    assert len(_queued_builds()) == 2


# --- requests never build ----------------------------------------------------------------


def test_a_request_with_a_stale_version_serves_the_last_files_and_builds_nothing(
    client, settings, city, saves
):
    before = _body(_download(client))
    record = _record()
    cache.incr(VERSION_KEY)  # the data changed; its build has not run yet
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("opendata:catalogue"), **EN)
        download = _download(client)
        again = _body(download)
    assert again == before
    html = page.content.decode()
    assert "new files are being prepared" in html and "Updating: the files below are as of" in html
    assert saves == []
    assert _record().generated_at == record.generated_at
    # The published cycles, the records and the licence; no data table is read.
    assert not [q for q in queries if "portal_measurement" in q["sql"]]
    assert len(queries) <= 6, [q["sql"] for q in queries]
    # The page saying "updating" is not kept in the page cache: once built, it says no more.
    assert "no-store" in page["Cache-Control"]
    call_command("build_open_data", verbosity=0)
    html = client.get(reverse("opendata:catalogue"), **EN).content.decode()
    assert "Updating" not in html and "new files are being prepared" not in html


def test_a_dataset_never_built_is_being_prepared_and_its_download_answers_503(
    client, settings, commits, saves
):
    settings.TASKS = DUMMY  # a worker that has not run yet
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    with commits():
        build_city(departments=1, months=2)
    page = client.get(reverse("opendata:catalogue"), **EN).content.decode()
    assert "Being prepared" in page
    assert reverse("opendata:download", args=[KEY, "csv"]) not in page
    response = _download(client, "csv")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "being prepared" in response.content.decode()
    assert saves == [] and not DatasetFile.objects.exists()
    call_command("build_open_data", verbosity=0)
    assert _download(client, "csv").status_code == 200


# --- the build ---------------------------------------------------------------------------


def test_the_switch_is_atomic(client, city, commits, monkeypatch):
    old = _record()
    old_body = _body(_download(client))
    switch = building._switch
    seen = {}

    def checking_switch(key, language, version, values):
        if (key, language) == (KEY, "en"):
            # The new files are complete before the switch, and until it a download gets the
            # old ones whole.
            seen["new"] = all(default_storage.exists(f["name"]) for f in values["files"].values())
            seen["served"] = _body(_download(client))
        return switch(key, language, version, values)

    monkeypatch.setattr(building, "_switch", checking_switch)
    with commits():
        _change()
    assert seen == {"new": True, "served": old_body}
    new = _record()
    assert new.digest != old.digest
    assert json.loads(_body(_download(client)))["rows"] == old.rows + 1
    assert not default_storage.exists(old.files["json"]["name"])


def test_an_older_build_never_replaces_the_files_of_a_newer_one(city, commits, settings):
    settings.TASKS = DUMMY
    version = data_version()
    dataset = datasets.find(KEY)
    with translation.override("en"):
        newer = building.build_dataset(dataset, version=version + 10, licence="L")
        assert newer.result == "written"
        kept = _record()
        with commits():
            _change()  # a build that read the version before this one reads the data after it
        older = building.build_dataset(datasets.find(KEY), version=version + 5, licence="L")
    assert older.result == "superseded"
    record = _record()
    assert (record.digest, record.data_version) == (kept.digest, version + 10)
    # The superseded build's files are removed, the record's are all there.
    stored = set(default_storage.listdir(f"opendata/{KEY}/en")[1])
    assert {f["name"].rsplit("/", 1)[1] for f in record.files.values()} == stored


def test_a_failing_dataset_is_logged_and_the_others_are_built(
    client, city, commits, caplog, monkeypatch
):
    before = {r.key: r.digest for r in DatasetFile.objects.filter(language="en")}
    served = _body(_download(client))
    catalogue = datasets.catalogue

    def broken():
        def read():
            raise RuntimeError("the database went away")

        return [
            datasets.Dataset(d.key, d.title, d.description, d.fields, read) if d.key == KEY else d
            for d in catalogue()
        ]

    monkeypatch.setattr(datasets, "catalogue", broken)
    with caplog.at_level(logging.ERROR, logger="opendata.building"), commits():
        _change()
    assert f"building {KEY} (en) failed" in caplog.text
    with pytest.raises(CommandError, match=KEY):
        call_command("build_open_data", verbosity=0)
    after = {r.key: r for r in DatasetFile.objects.filter(language="en")}
    assert after[KEY].digest == before[KEY]  # left as it was, still served
    assert _body(_download(client)) == served
    assert set(after) == set(before)
    # The datasets after it in the catalogue were built (it is the first).
    assert datasets.catalogue()[0].key == KEY
    assert all(r.data_version == data_version() for k, r in after.items() if k != KEY)
    assert after[KEY].data_version != data_version()


def test_a_build_asked_for_while_one_runs_follows_it(city, commits, builds, monkeypatch):
    build_dataset = building.build_dataset
    nested = []

    def with_a_second_build(dataset, **kwargs):
        if not nested:
            nested.append(building.build_catalogue())  # e.g. cron while the worker builds
        return build_dataset(dataset, **kwargs)

    monkeypatch.setattr(building, "build_dataset", with_a_second_build)
    with commits():
        _change()
    assert nested[0].busy
    # The running build was asked to run again, and did (immediate backend): 3 calls, 2 builds.
    assert len(builds) == 3
    assert cache.get(building.LOCK_KEY) is None


def test_the_command_reports_each_dataset(city, capsys):
    call_command("build_open_data")
    out = capsys.readouterr().out
    assert f"{KEY:<28} en       unchanged" in out
    assert "Open data built in" in out
