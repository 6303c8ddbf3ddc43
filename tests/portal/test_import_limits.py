"""Uploads that cannot exhaust the server: a zip bomb, too many rows, a cell or a line past what
a table of measurements holds are refused with a message, nothing written (issue 13)."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from portal.factories import CycleFactory, GoalFactory, IndicatorFactory, UserFactory
from portal.import_views import UPLOAD_MAX_AGE
from portal.importing import import_measurements
from portal.models import Measurement

HEADER = "indicator_code,period,value,note,source"


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def admin(db):
    IndicatorFactory(goal=GoalFactory(cycle=CycleFactory(year=2025)), code="A-01")
    return UserFactory(username="city-admin", is_superuser=True)


def refused(data: bytes, filename: str, admin) -> str:
    result = import_measurements(io.BytesIO(data), filename, user=admin)
    assert not result.ok
    assert not Measurement.objects.exists()
    [error] = result.errors
    return error.message


def workbook(rows, *, padding: int = 0) -> bytes:
    """An XLSX of ``rows``, with a member of ``padding`` zero bytes that deflate to almost
    nothing: what a zip bomb declares."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if padding:
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/padding.bin", b"\0" * padding)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_parsing(
    admin, settings, monkeypatch
):
    settings.PORTAL_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    settings.PORTAL_IMPORT_MAX_UNPACKED_BYTES = None  # the default: the upload limit
    bomb = workbook([HEADER.split(","), ["A-01", "2025-01", 1]], padding=8 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # a few KB that unpack to 8 MB

    def parse(*args, **kwargs):
        raise AssertionError("parsed a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    message = refused(bomb, "bomb.xlsx", admin)
    assert message.startswith("The workbook unpacks to 8 MB, more than the 2 MB")


def test_rows_past_the_limit_are_refused_in_csv_and_xlsx(admin, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 50
    rows = [f"A-01,2025-{m % 12 + 1:02},{m},," for m in range(60)]
    expected = "The file has more than 50 rows."
    assert refused("\n".join([HEADER, *rows]).encode(), "m.csv", admin).startswith(expected)
    cells = [HEADER.split(","), *(row.split(",") for row in rows)]
    assert refused(workbook(cells), "m.xlsx", admin).startswith(expected)


def test_a_million_junk_rows_are_refused_at_the_row_limit(admin):
    junk = b"x\n" * 1_000_000  # 2 MB, under the upload limit
    assert refused(junk, "junk.csv", admin).startswith("The file has more than 100,000 rows.")


def test_a_cell_over_the_csv_field_limit_is_a_message_not_an_error(admin):
    # An unclosed quotation mark swallows the rest of the file into one cell: past the csv
    # module's field limit (131,072 characters) it raised csv.Error, a 500 on the admin screen.
    lines = [HEADER, 'A-01,2025-01,1,"unclosed', *(["x" * 1000] * 200)]
    message = refused("\n".join(lines).encode(), "m.csv", admin)
    assert message.startswith("A cell near line")
    assert "is longer than 131,072 characters: check for an unclosed quotation mark." in message


def test_a_line_past_what_a_row_holds_is_refused(admin):
    data = f"{HEADER}\nA-01,2025-01,1,{'x' * 200_000},\n".encode()
    message = refused(data, "m.csv", admin)
    assert message == (
        "Line 2 is longer than 100,000 characters: this is not a table of measurements."
    )


def test_cells_far_to_the_right_are_not_read(admin):
    # A cell in column XFD made every row of a streamed sheet 16,384 cells wide.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["A-01", "2025-01", 7])
    sheet.cell(row=3, column=16384, value="far away")
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_measurements(io.BytesIO(buffer.getvalue()), "m.xlsx", user=admin)
    assert result.ok, result.errors
    assert Measurement.objects.get().value == 7


# --- where an upload waits for its confirmation ------------------------------------------------


@pytest.fixture
def staging(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    location = tmp_path / "staging"
    storage = {**settings.IMPORT_STAGING_STORAGE, "OPTIONS": {"location": location}}
    settings.STORAGES = {**settings.STORAGES, "portal_imports": storage}
    return location / "portal-imports"


def preview(client, admin) -> str:
    client.force_login(admin)
    upload = io.BytesIO(f"{HEADER}\nA-01,2025-01,1,,\n".encode())
    upload.name = "m.csv"
    return client.post(reverse("portal_import_measurements"), {"file": upload}).context["token"]


def test_an_upload_waits_outside_the_public_media_folder(client, admin, staging, settings):
    preview(client, admin)
    assert len(list(staging.iterdir())) == 1
    assert not settings.MEDIA_ROOT.exists()  # the web server publishes that one


def test_an_expired_upload_is_removed(client, admin, staging):
    token = preview(client, admin)
    later = datetime.datetime.now() + UPLOAD_MAX_AGE + datetime.timedelta(minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(reverse("portal_import_measurements"), {"token": token})
    assert response.status_code == 302
    assert not list(staging.iterdir())
    assert not Measurement.objects.exists()


def test_an_abandoned_upload_is_removed_when_the_screen_is_next_opened(client, admin, staging):
    preview(client, admin)
    [stored] = staging.iterdir()
    old = (datetime.datetime.now() - UPLOAD_MAX_AGE - datetime.timedelta(minutes=1)).timestamp()
    os.utime(stored, (old, old))
    assert client.get(reverse("portal_import_measurements")).status_code == 200
    assert not stored.exists()
