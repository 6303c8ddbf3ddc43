"""The files are built when the data changed, not on every request."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata.models import DatasetFile, OpenDataSettings
from portal.actions import record_measurement
from portal.models import Indicator
from tests.builders import EN, YEAR, build_city

pytestmark = pytest.mark.django_db(transaction=False)

KEY = f"measurements-{YEAR}"


@pytest.fixture
def city(settings, django_capture_on_commit_callbacks):
    # The data version moves after a commit; tests run in a transaction, so run its callbacks.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the stored file itself must answer, not a page
    with django_capture_on_commit_callbacks(execute=True):
        build_city(departments=1, months=2)


def _json(client):
    response = client.get(reverse("opendata:download", args=[KEY, "json"]), **EN)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_a_repeat_request_serves_the_stored_file_without_rebuilding(client, city, monkeypatch):
    first = _json(client)
    record = DatasetFile.objects.get(key=KEY, language="en")
    saves = []
    monkeypatch.setattr(InMemoryStorage, "_save", lambda *a, **k: saves.append(a))
    with CaptureQueriesContext(connection) as queries:
        again = _json(client)
    assert again == first
    assert saves == []
    # The published cycles (which datasets exist) and the stored record: no data is read.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert DatasetFile.objects.get(pk=record.pk).generated_at == record.generated_at


def test_a_data_change_rebuilds_the_file_and_moves_its_last_change(
    client, city, django_capture_on_commit_callbacks
):
    before = _json(client)
    record = DatasetFile.objects.get(key=KEY, language="en")
    indicator = Indicator.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("77.125"))
    after = _json(client)
    assert len(after["data"]) == len(before["data"]) + 1
    assert 77.125 in [row["value"] for row in after["data"]]
    changed = DatasetFile.objects.get(pk=record.pk)
    assert changed.digest != record.digest
    assert changed.last_changed > record.last_changed
    assert not default_storage.exists(record.files["json"]["name"])  # the old file is gone


def test_a_change_elsewhere_keeps_the_files_and_their_last_change(
    client, city, django_capture_on_commit_callbacks, monkeypatch
):
    _json(client)
    record = DatasetFile.objects.get(key=KEY, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        # The licence is in every file: a change of it rebuilds them ...
        settings = OpenDataSettings.load()
        settings.licence_en = "Free to reuse with attribution."
        settings.save()
    assert _json(client)["licence"] == "Free to reuse with attribution."
    rebuilt = DatasetFile.objects.get(pk=record.pk)
    assert rebuilt.digest != record.digest
    saves = []
    save = InMemoryStorage._save

    def _save(storage, name, content):
        saves.append(name)
        return save(storage, name, content)

    monkeypatch.setattr(InMemoryStorage, "_save", _save)
    with django_capture_on_commit_callbacks(execute=True):
        # ... while a change that is in none of the English files (the Chinese licence, in the
        # Chinese files only) writes no English file.
        settings.licence = settings.licence + " "
        settings.save()
    _json(client)
    same = DatasetFile.objects.get(pk=record.pk)
    assert saves and not [name for name in saves if "/en/" in name]
    assert (same.digest, same.last_changed) == (rebuilt.digest, rebuilt.last_changed)


@pytest.mark.parametrize("ahead", [True, False])
def test_the_build_after_a_data_change_draws_that_indicators_chart(
    settings, city, django_capture_on_commit_callbacks, monkeypatch, ahead
):
    from portal import charts

    settings.CHART_CACHE_SECONDS = 3600
    settings.CHART_DRAW_AHEAD = ahead
    drawn = []
    draw = charts._draw_indicator_chart
    monkeypatch.setattr(
        charts,
        "_draw_indicator_chart",
        lambda indicator, values=None: drawn.append(indicator.pk) or draw(indicator, values),
    )
    indicator = Indicator.objects.select_related("goal__cycle").order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("61"))
    if ahead:  # every indicator's chart (none was drawn before), in every language
        assert drawn.count(indicator.pk) == len(settings.LANGUAGES)
        del drawn[:]
        charts.indicator_chart_context(indicator)  # the page finds it drawn
        assert drawn == []
        with django_capture_on_commit_callbacks(execute=True):
            record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("62"))
        assert set(drawn) == {indicator.pk}  # only the changed one is drawn again
    else:
        assert drawn == []
