"""The API as HTTP: conditional GET, CORS, the rate limit, stable pages, bounded queries,
both languages."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils.http import http_date

from portal.actions import record_measurement
from portal.models import Indicator

pytestmark = pytest.mark.django_db


def test_etag_round_trip(
    api, api_world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    first = api.get("/api/v1/measurements/")
    assert first.status_code == 200
    etag = first["ETag"]
    with django_assert_max_num_queries(0):  # a current copy costs no query
        again = api.get("/api/v1/measurements/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    indicator = Indicator.objects.get(code=first.json()["results"][0]["indicator"])
    with django_capture_on_commit_callbacks(execute=True):  # the data version moves on commit
        record_measurement(indicator, datetime.date(2026, 4, 1), Decimal("55"))
    changed = api.get("/api/v1/measurements/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_etag_differs_by_query_and_language(api, api_world):
    plain = api.get("/api/v1/departments/")["ETag"]
    assert api.get("/api/v1/departments/", {"page_size": 1})["ETag"] != plain
    assert api.get("/api/v1/departments/", HTTP_ACCEPT_LANGUAGE="en")["ETag"] != plain


def test_last_modified(api, api_world):
    first = api.get("/api/v1/cycles/")
    last_modified = first["Last-Modified"]
    assert api.get("/api/v1/cycles/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(0)
    assert api.get("/api/v1/cycles/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_cors_on_get(api, api_world):
    response = api.get("/api/v1/departments/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    # Only the API: the public pages are not opened to other origins.
    page = api.get("/rankings/", HTTP_ORIGIN="https://newsroom.example")
    assert "Access-Control-Allow-Origin" not in page


@override_settings(API_RATE_LIMIT="3/60")
def test_rate_limit_429_with_retry_after(api, api_world):
    for _ in range(3):
        assert api.get("/api/v1/cycles/").status_code == 200
    response = api.get("/api/v1/cycles/")
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["retry_after"] == int(response["Retry-After"])
    # Another client address has its own count.
    assert api.get("/api/v1/cycles/", REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(API_RATE_LIMIT="2/60")
def test_the_rate_limit_window_opens_again_when_retry_after_says(api, api_world, monkeypatch):
    import time

    now = [1_800_000_010.0]  # 10 s into a 60-second window
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert api.get("/api/v1/cycles/").status_code == 200
    assert api.get("/api/v1/cycles/").status_code == 200
    refused = api.get("/api/v1/cycles/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    now[0] += 50
    assert api.get("/api/v1/cycles/").status_code == 200


@override_settings(API_RATE_LIMIT="")
def test_no_rate_limit_when_none_is_set(api, api_world):
    assert all(api.get("/api/v1/cycles/").status_code == 200 for _ in range(5))


@pytest.mark.parametrize(
    "variable", ["API_RATE_LIMIT", "SURVEYS_RATE_LIMIT", "PORTAL_PUSH_RATE_LIMIT"]
)
@pytest.mark.parametrize("value", ["120/min", "0/60", "120", "abc/60", "120/0"])
def test_a_rate_limit_the_site_cannot_read_stops_its_start(monkeypatch, variable, value):
    """Not a 500 on every request: the settings refuse it, naming the variable."""
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import portal.settings.base as base

    monkeypatch.setenv(variable, value)
    try:
        with pytest.raises(ImproperlyConfigured, match=variable):
            importlib.reload(base)
        monkeypatch.setenv(variable, " 30/60 ")
        assert importlib.reload(base).rate(variable, "1/1") == (30, 60)
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def walk(api, path, **params):
    rows, url = [], path
    while url:
        body = api.get(url, params).json()
        rows.extend(body["results"])
        url, params = body["next"], {}
    return rows


def test_pagination_is_stable_and_complete(api, api_world):
    whole = api.get("/api/v1/measurements/", {"page_size": 500}).json()["results"]
    pages = walk(api, "/api/v1/measurements/", page_size=7)
    assert pages == whole
    # A figure added while a client walks the list neither repeats nor skips a row.
    first = api.get("/api/v1/measurements/", {"page_size": 7}).json()
    indicator = Indicator.objects.get(code=whole[0]["indicator"])
    record_measurement(indicator, datetime.date(2026, 5, 1), Decimal("60"))
    rest = walk(api, first["next"])
    keys = [(r["indicator"], r["period"]) for r in first["results"] + rest]
    assert len(keys) == len(set(keys)) == len(whole) + 1


def test_previous_link_returns_the_same_page(api, api_world):
    first = api.get("/api/v1/evaluations/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/departments/",
        "/api/v1/cycles/",
        "/api/v1/goals/",
        "/api/v1/goals/tree/",
        "/api/v1/indicators/",
        "/api/v1/measurements/",
        "/api/v1/evaluations/",
        "/api/v1/reports/",
        "/api/v1/survey-results/",
        "/api/v1/cases/",
    ],
)
def test_lists_issue_a_bounded_number_of_queries(
    api, api_world, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = api.get(path, {"page_size": 500} if path != "/api/v1/goals/tree/" else {})
    assert response.status_code == 200


def test_names_and_labels_in_both_languages(api, api_world):
    department = api_world["department"]
    department.name_en = "Bureau Zero"
    department.save()
    chinese = api.get("/api/v1/departments/").json()["results"][0]
    english = api.get("/api/v1/departments/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert chinese["name"] == department.name and english["name"] == "Bureau Zero"
    assert chinese["name_zh"] == english["name_zh"] == department.name
    indicator = api.get("/api/v1/indicators/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert indicator["dimension"] == "output" and indicator["dimension_label"] == "Output"
    response = api.get("/api/v1/indicators/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_errors_in_the_requests_language(api, api_world):
    english = api.get("/api/v1/measurements/", {"from": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "YYYY-MM" in english.json()["detail"]
