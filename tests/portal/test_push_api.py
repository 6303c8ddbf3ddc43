"""The push API: departments' systems POST measurements with a token, through the import."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.importing import IMPORT_LOG_ACTION
from portal.models import Measurement, MeasurementCorrection
from portal.tokens import issue_token, revoke
from tests.builders import build_import_world
from tests.builders import import_snapshot as snapshot

URL = "/api/v1/push/measurements"


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def world(db):
    world = build_import_world()
    world["token"], world["secret"] = issue_token("12345热线系统", world["own"])
    return world


def post(client, body, secret, *, content_type="application/json", **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    extra = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if secret:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    extra |= {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.generic("POST", URL, data, content_type=content_type, **extra)


def rows(*values, code="A-01"):
    return [{"indicator_code": code, "period": f"2025-{m:02d}", "value": v} for m, v in values]


def import_entries():
    return ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION)


def test_the_url_is_the_versioned_push_address():
    assert reverse("push:measurements") == URL


def test_a_batch_is_imported_and_logged_once_with_the_token_name(client, world):
    response = post(client, rows((1, 10), (2, 11.5)), world["secret"])
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "accepted"
    assert (answer["created"], answer["corrected"], answer["unchanged"]) == (2, 0, 0)
    values = dict(
        Measurement.objects.filter(indicator=world["rate"]).values_list("period", "value")
    )
    assert values == {
        datetime.date(2025, 1, 1): Decimal("10"),
        datetime.date(2025, 2, 1): Decimal("11.5"),
    }
    (entry,) = import_entries()
    assert entry.data["origin"]["token"] == str(world["token"])
    assert "12345热线系统" in entry.formatter.format_message(entry)


def test_rows_may_come_wrapped_in_an_object_with_chinese_headers(client, world):
    body = {"rows": [{"指标编码": "A-02", "月份": "2025年3月", "数值": "1,234"}]}
    assert post(client, body, world["secret"]).status_code == 200
    assert Measurement.objects.get(indicator=world["count"]).value == Decimal("1234")


def test_csv_with_the_file_columns_is_accepted(client, world):
    body = "indicator_code,period,value,note\nA-02,2025-04,7,月报\n".encode()
    response = post(client, body, world["secret"], content_type="text/csv; charset=utf-8")
    assert response.status_code == 200, response.json()
    assert Measurement.objects.get(indicator=world["count"]).note == "月报"


def test_the_same_values_again_write_nothing(client, world):
    post(client, rows((1, 10)), world["secret"])
    before = snapshot()
    response = post(client, rows((1, 10)), world["secret"])
    assert response.status_code == 200
    assert response.json()["unchanged"] == 1
    assert snapshot() == before


def test_a_changed_value_becomes_a_correction_with_history(client, world):
    post(client, rows((1, 10)), world["secret"])
    response = post(client, rows((1, 12)), world["secret"])
    assert response.json()["corrected"] == 1
    correction = MeasurementCorrection.objects.get()
    assert (correction.old_value, correction.new_value) == (Decimal("10"), Decimal("12"))
    assert Measurement.objects.get(indicator=world["rate"]).value == Decimal("12")


def test_the_same_key_and_body_replay_the_first_answer(client, world):
    first = post(client, rows((1, 10)), world["secret"], idempotency_key="batch-1")
    # Meanwhile an editor changes the value: a replay must not undo that.
    Measurement.objects.filter(indicator=world["rate"]).update(value=99)
    before = snapshot()
    again = post(client, rows((1, 10)), world["secret"], idempotency_key="batch-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert snapshot() == before
    assert Measurement.objects.get(indicator=world["rate"]).value == Decimal("99")


def test_the_same_key_with_another_body_is_refused(client, world):
    post(client, rows((1, 10)), world["secret"], idempotency_key="batch-1")
    before = snapshot()
    response = post(client, rows((1, 11)), world["secret"], idempotency_key="batch-1")
    assert response.status_code == 422
    assert "different batch" in response.json()["message"]
    assert snapshot() == before


def test_a_refused_batch_keeps_no_receipt_so_its_fix_may_reuse_the_key(client, world):
    bad = post(client, rows((1, "abc")), world["secret"], idempotency_key="k")
    assert bad.status_code == 400
    assert post(client, rows((1, 5)), world["secret"], idempotency_key="k").status_code == 200


# ---- refusals: each writes nothing ----------------------------------------------------------


def refused_with(response, status, before):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"]
    assert snapshot() == before
    return response.json()


@pytest.mark.parametrize("secret", [None, "pp_wrong", "not-even-a-token"])
def test_a_missing_or_wrong_token_is_401(client, world, secret):
    before = snapshot()
    answer = refused_with(post(client, rows((1, 10)), secret), 401, before)
    assert answer["error"] == "invalid_token"


def test_a_revoked_token_is_refused_at_once(client, world):
    assert post(client, rows((1, 10)), world["secret"]).status_code == 200
    revoke(world["token"])
    before = snapshot()
    refused_with(post(client, rows((2, 10)), world["secret"]), 401, before)


def test_another_departments_indicator_is_403_naming_the_rows(client, world):
    body = rows((1, 10)) + rows((1, 20), (2, 30), code="B-01")
    before = snapshot()
    answer = refused_with(post(client, body, world["secret"]), 403, before)
    assert "Rows 2, 3 " in answer["message"]
    assert [e["row"] for e in answer["errors"]] == [2, 3]
    assert not import_entries().exists()


def test_a_month_outside_the_cycle_is_400(client, world):
    before = snapshot()
    answer = refused_with(
        post(
            client,
            rows((1, 10)) + [{"indicator_code": "A-01", "period": "2024-12", "value": 1}],
            world["secret"],
        ),
        400,
        before,
    )
    assert answer["error"] == "outside_cycle"
    assert answer["errors"][0]["row"] == 2
    assert "outside the cycle" in answer["errors"][0]["message"]


def test_a_closed_cycle_is_refused_as_for_the_departments_editors(client, world):
    world["cycle"].closed = True
    world["cycle"].save()
    before = snapshot()
    answer = refused_with(post(client, rows((1, 10)), world["secret"]), 400, before)
    assert "closed" in answer["errors"][0]["message"]


def test_row_errors_are_listed_and_nothing_is_written(client, world):
    before = snapshot()
    body = rows((1, 10), (2, "n/a")) + [{"indicator_code": "ZZ-9", "period": "2025-01", "value": 1}]
    answer = refused_with(post(client, body, world["secret"]), 400, before)
    assert answer["error"] == "invalid_rows"
    assert [e["row"] for e in answer["errors"]] == [2, 3]


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'[{"indicator_code": "A-01", ', "application/json"),
        (b'{"indicator_code": "A-01"}', "application/json"),
        (b'[{"indicator_code": "A-01", "period": "2025-01", "value": NaN}]', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b'["A-01"]', "application/json"),
        (b"a,b\n1,2\n", "text/csv"),
    ],
)
def test_a_malformed_body_is_400(client, world, body, content_type):
    before = snapshot()
    refused_with(post(client, body, world["secret"], content_type=content_type), 400, before)


def test_another_media_type_is_415(client, world):
    before = snapshot()
    refused_with(post(client, b"x", world["secret"], content_type="application/xml"), 415, before)


@override_settings(PORTAL_PUSH_MAX_BYTES=200)
def test_a_body_over_the_limit_is_413_before_parsing(client, world):
    before = snapshot()
    body = json.dumps(rows(*[(m, 10) for m in range(1, 13)]))
    assert len(body) > 200
    answer = refused_with(post(client, body, world["secret"]), 413, before)
    assert "smaller batches" in answer["message"]


@override_settings(PORTAL_PUSH_MAX_BYTES=200)
def test_a_body_longer_than_its_content_length_claims_is_cut_and_refused(rf, world):
    from portal.push_views import push_measurements

    body = json.dumps(rows(*[(m, 10) for m in range(1, 13)])).encode()
    request = rf.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['secret']}",
    )
    request.META["CONTENT_LENGTH"] = "100"  # a lie: only 100 bytes are read, never the rest
    before = snapshot()
    response = push_measurements(request)
    assert response.status_code in (400, 413)
    assert snapshot() == before


@override_settings(PORTAL_PUSH_RATE_LIMIT=(2, 60))
def test_the_rate_limit_counts_per_token(client, world):
    other, other_secret = issue_token("另一个系统", world["own"])
    assert post(client, rows((1, 10)), world["secret"]).status_code == 200
    assert post(client, rows((1, 10)), world["secret"]).status_code == 200
    before = snapshot()
    response = post(client, rows((2, 10)), world["secret"])
    refused_with(response, 429, before)
    assert response["Retry-After"] == "60"
    assert post(client, rows((2, 10)), other_secret).status_code == 200


def test_get_is_not_allowed(client, world):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {world['secret']}").status_code == 405


def test_messages_follow_the_requests_language(client, world):
    body = [{"indicator_code": "A-01", "period": "2024-12", "value": 1}]
    chinese = post(client, body, world["secret"], accept_language="zh-hans")
    english = post(client, body, world["secret"], accept_language="en")
    assert "不在指标" in chinese.json()["errors"][0]["message"]
    assert "outside the cycle" in english.json()["errors"][0]["message"]


def test_statuses_follow_in_the_background(client, world, django_capture_on_commit_callbacks):
    from portal.models import Evaluation

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, rows((1, 10)), world["secret"]).status_code == 200
    assert Evaluation.objects.filter(department=world["own"]).exists()


def test_a_burst_of_batches_queues_one_recompute_per_cycle(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from portal.recompute import schedule_recompute
    from portal.tasks import recompute_cycle_task

    queued = []

    class Queue:
        enqueue = queued.append

    monkeypatch.setattr("portal.tasks.recompute_cycle_task", Queue)
    pk = world["cycle"].pk
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            schedule_recompute([pk], coalesce=True)
    assert queued == [pk]
    monkeypatch.undo()
    recompute_cycle_task.call(pk)  # the queued task starts: later changes queue a new one
    monkeypatch.setattr("portal.tasks.recompute_cycle_task", Queue)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_recompute([pk], coalesce=True)
    assert queued == [pk, pk]
