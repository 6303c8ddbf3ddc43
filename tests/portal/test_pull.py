"""Pull mode: manage.py pull_department_data against a local HTTP server."""

import datetime
import http.server
import io
import threading
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from wagtail.models import ModelLogEntry

from portal.importing import IMPORT_LOG_ACTION
from portal.models import DataSource, Measurement
from portal.pull import pull_all_sources
from tests.builders import build_import_world

GOOD_CSV = b"indicator_code,period,value\nA-01,2025-01,10\nA-02,2025-01,3\n"
GOOD_JSON = b'{"rows": [{"indicator_code": "A-01", "period": "2025-02", "value": 11}]}'
BAD_CSV = b"indicator_code,period,value\nA-01,2025-03,abc\n"
FOREIGN_CSV = b"indicator_code,period,value\nB-01,2025-03,1\n"


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the files the tests name by path."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path
        if path == "/slow.csv":
            time.sleep(1.5)
        if path.startswith("/redirect-away"):
            # 127.0.0.1 and localhost are different hosts to the fetcher.
            return self.answer(
                302, b"", location=f"http://localhost:{self.server.server_port}/good.csv"
            )
        if path == "/redirect-here":
            return self.answer(302, b"", location="/good.csv")
        if path == "/huge-streamed.csv":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()  # no Content-Length: the reader must stop by itself
            try:
                self.wfile.write(b"indicator_code,period,value\n")
                for _ in range(2000):
                    self.wfile.write(b"A-01,2025-04,1" + b" " * 1000 + b"\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        files = {
            "/good.csv": (GOOD_CSV, "text/csv; charset=utf-8"),
            "/good.json": (GOOD_JSON, "application/json"),
            "/slow.csv": (GOOD_CSV, "text/csv"),
            "/bad.csv": (BAD_CSV, "text/csv"),
            "/foreign.csv": (FOREIGN_CSV, "text/csv"),
            "/huge.csv": (
                b"indicator_code,period,value\n" + b"A-01,2025-04,1\n" * 5000,
                "text/csv",
            ),
            "/broken.json": (b'{"rows": [', "application/json"),
        }
        if path not in files:
            return self.answer(404, b"missing")
        body, content_type = files[path]
        return self.answer(200, body, content_type=content_type)

    def answer(self, status, body, content_type="text/plain", location=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher stopped reading a file too large

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def world(db):
    return build_import_world()


def source(world, server, path, **fields):
    return DataSource.objects.create(
        name=path.strip("/"), department=world["own"], url=f"{server}{path}", **fields
    )


def values():
    rows = Measurement.objects.values_list("indicator__code", "period", "value")
    return {(code, period): value for code, period, value in rows}


@override_settings(PORTAL_PULL_MAX_BYTES=50_000, PORTAL_PULL_TIMEOUT=0.5)
def test_each_source_is_recorded_and_a_failure_does_not_stop_the_others(world, server):
    bad = source(world, server, "/bad.csv")
    good = source(world, server, "/good.csv")
    huge = source(world, server, "/huge.csv")
    away = source(world, server, "/redirect-away")
    streamed = source(world, server, "/huge-streamed.csv")
    foreign = source(world, server, "/foreign.csv")
    slow = source(world, server, "/slow.csv")
    missing = source(world, server, "/nothing-here.csv")
    broken = source(world, server, "/broken.json")
    good_json = source(world, server, "/good.json")
    here = source(world, server, "/redirect-here", format=DataSource.Format.CSV)
    inactive = source(world, server, "/good.json", active=False)
    outcomes = {o.source.pk: o for o in pull_all_sources()}
    assert inactive.pk not in outcomes
    for ok in (good, good_json, here):
        ok.refresh_from_db()
        assert outcomes[ok.pk].ok, outcomes[ok.pk].message
        assert ok.last_success_at and not ok.last_failure_at
    expected = {
        bad: "not a number",
        huge: "larger than",
        streamed: "larger than",
        away: "another host",
        foreign: "belongs to",
        slow: "could not be fetched",
        missing: "HTTP 404",
        broken: "not valid JSON",
    }
    for failed, words in expected.items():
        failed.refresh_from_db()
        assert not outcomes[failed.pk].ok
        assert failed.last_failure_at and not failed.last_success_at
        assert words in failed.last_message, (failed.name, failed.last_message)
    # Only the good files were imported: 2025-01 from good.csv (twice: the redirect), 2025-02.
    assert values() == {
        ("A-01", datetime.date(2025, 1, 1)): Decimal("10"),
        ("A-02", datetime.date(2025, 1, 1)): Decimal("3"),
        ("A-01", datetime.date(2025, 2, 1)): Decimal("11"),
    }
    entries = ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION)
    assert {e.data["origin"]["source"] for e in entries} == {"good.csv", "good.json"}


def test_a_later_failure_keeps_the_last_success(world, server):
    good = source(world, server, "/good.csv")
    pull_all_sources()
    DataSource.objects.filter(pk=good.pk).update(url=f"{server}/bad.csv")
    pull_all_sources()
    good.refresh_from_db()
    assert good.last_success_at and good.last_failure_at
    assert "not a number" in good.last_message


def test_pulling_the_same_file_again_changes_nothing(world, server):
    source(world, server, "/good.csv")
    pull_all_sources()
    before = (Measurement.objects.count(), ModelLogEntry.objects.count())
    pull_all_sources()
    assert (Measurement.objects.count(), ModelLogEntry.objects.count()) == before


def test_only_http_addresses_are_fetched(world):
    ftp = DataSource.objects.create(name="ftp", department=world["own"], url="ftp://10.0.0.1/a.csv")
    (outcome,) = pull_all_sources()
    assert not outcome.ok and "http" in outcome.message
    ftp.refresh_from_db()
    assert ftp.last_failure_at


def test_the_command_reports_each_source_and_fails_when_one_did(world, server):
    source(world, server, "/good.csv")
    source(world, server, "/bad.csv")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 sources failed"):
        call_command("pull_department_data", stdout=out, stderr=err)
    assert "good.csv: Imported: 2 new" in out.getvalue()
    assert "bad.csv: Nothing imported" in err.getvalue()
