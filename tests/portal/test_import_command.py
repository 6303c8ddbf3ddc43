"""manage.py import_measurements: the same validation and report as the admin screen."""

import datetime
import getpass
import socket
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import ModelLogEntry

from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    UserFactory,
)
from portal.importing import IMPORT_LOG_ACTION
from portal.models import Measurement, MeasurementCorrection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def indicators():
    cycle = CycleFactory(year=2025)
    own = DepartmentFactory(name="市数据局", slug="data-bureau")
    other = DepartmentFactory(name="市交通局", slug="transport-bureau")
    editor = UserFactory(username="data-editor")
    DepartmentEditorFactory(user=editor, department=own)
    return {
        "own": IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=own), code="A-01"),
        "other": IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=other), code="B-01"),
    }


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_measurements", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_valid_file_is_imported_and_summarised(tmp_path, indicators):
    path = write(
        tmp_path, "m.csv", "指标编码,月份,数值\nA-01,2025年1月,10\nB-01,2025-01,20\n", "gbk"
    )
    out, _err = run(path)
    assert "2 new" in out
    assert Measurement.objects.get(indicator=indicators["own"]).value == Decimal("10")


def test_errors_are_printed_by_row_and_the_command_fails(tmp_path, indicators):
    path = write(
        tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\nX-9,2025-01,abc\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_measurements", path, stdout=StringIO(), stderr=err)
    assert "row 3, column value: “abc” is not a number." in err.getvalue()
    assert Measurement.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, indicators):
    path = write(tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\n")
    out, _err = run(path, "--dry-run")
    assert "dry run" in out
    assert Measurement.objects.count() == 0


def test_user_option_applies_that_users_department_rights(tmp_path, indicators):
    path = write(
        tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\nB-01,2025-01,1\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_measurements", path, "--user", "data-editor", stdout=StringIO(), stderr=err
        )
    assert "row 3" in err.getvalue() and "市交通局" in err.getvalue()
    assert Measurement.objects.count() == 0
    path = write(tmp_path, "own.csv", "indicator_code,period,value\nA-01,2025-01,10\n")
    run(path, "--user", "data-editor")
    assert Measurement.objects.get().entered_by.username == "data-editor"


def test_a_second_run_with_a_changed_value_records_a_correction(tmp_path, indicators):
    run(write(tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\n"))
    out, _err = run(write(tmp_path, "m2.csv", "indicator_code,period,value\nA-01,2025-01,11\n"))
    assert "1 corrected" in out
    correction = MeasurementCorrection.objects.get()
    assert (correction.old_value, correction.new_value) == (Decimal("10"), Decimal("11"))
    assert Measurement.objects.get().period == datetime.date(2025, 1, 1)


def test_unknown_user_and_missing_file_are_refused(tmp_path, indicators):
    path = write(tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\n")
    with pytest.raises(CommandError, match="No user"):
        run(path, "--user", "nobody")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"))


def test_the_command_speaks_the_sites_default_language(tmp_path, indicators):
    path = write(tmp_path, "m.csv", "indicator_code,period,value\nX-9,2025-01,10\n")
    err = StringIO()
    with translation.override(settings.LANGUAGE_CODE):  # the site's default: Chinese
        with pytest.raises(CommandError, match="m.csv 中有 1 处错误，未写入任何数据。"):
            call_command("import_measurements", path, stdout=StringIO(), stderr=err)
        with pytest.raises(CommandError, match="文件不存在"):
            run(str(tmp_path / "missing.csv"))
    assert "X-9" in err.getvalue()
    assert Measurement.objects.count() == 0


def test_an_import_without_user_names_the_shell_account_in_the_audit_log(tmp_path, indicators):
    run(write(tmp_path, "m.csv", "indicator_code,period,value\nA-01,2025-01,10\n"))
    entry = ModelLogEntry.objects.get(action=IMPORT_LOG_ACTION)
    assert entry.user is None  # the system, as the public page says
    assert entry.data["origin"] == {
        "via": "manage.py import_measurements",
        "account": getpass.getuser(),
        "host": socket.gethostname(),
    }
    assert f"account {getpass.getuser()} on {socket.gethostname()}" in entry.message

    # With --user the editor is the one named, and no shell account is recorded.
    run(
        write(tmp_path, "m2.csv", "indicator_code,period,value\nA-01,2025-02,10\n"),
        "--user",
        "data-editor",
    )
    named = ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION).latest("timestamp")
    assert named.user.username == "data-editor" and "origin" not in named.data
