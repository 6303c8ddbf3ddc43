"""The open-data catalogue: every public dataset as CSV, XLSX and JSON, with its dictionary,
licence, rows, size and last change; nothing unpublished in any of them."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from opendata import datasets
from opendata.models import OpenDataSettings
from portal.actions import record_measurement
from portal.factories import CycleFactory, GoalFactory, IndicatorFactory
from portal.models import Department
from surveys.factories import RectificationCaseFactory, SurveyFactory, SurveyResultFactory
from tests.builders import EN, YEAR, build_city

pytestmark = pytest.mark.django_db

HIDDEN_YEAR = YEAR + 1


@pytest.fixture
def city(settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # The files are built once the data commits (the immediate task backend of the tests).
    with django_capture_on_commit_callbacks(execute=True):
        return _build()


def _build():
    build_city(departments=2, months=3)
    department = Department.objects.order_by("pk").first()
    department.name = "青川市数据资源局"
    department.save()
    # An unpublished year: none of its figures may appear.
    hidden = CycleFactory(year=HIDDEN_YEAR, published=False)
    goal = GoalFactory(cycle=hidden, owner=department, code=f"{HIDDEN_YEAR}-09-09")
    secret = IndicatorFactory(goal=goal, code=f"{HIDDEN_YEAR}-09-09-09", name="未公开指标")
    record_measurement(secret, datetime.date(HIDDEN_YEAR, 1, 1), Decimal("4242.5"))
    public = SurveyFactory(department=department, title="不动产登记窗口调查", slug="land")
    internal = SurveyFactory(
        department=department, title="内部调查", slug="internal", results_public=False
    )
    SurveyResultFactory(survey=public, source="本站评价")
    SurveyResultFactory(survey=internal, source="内部来源")
    RectificationCaseFactory(
        survey=public, title="午间排队整改", comment="窗口很好", comment_moderated=True
    )
    RectificationCaseFactory(
        survey=public, title="未审核留言的案例", comment="未审核的留言", comment_moderated=False
    )
    RectificationCaseFactory(survey=public, title="未公开的案例", public=False)
    return department


def _keys():
    return [d.key for d in datasets.catalogue()]


def test_catalogue_lists_every_dataset_with_rows_size_dictionary_and_licence(client, city):
    response = client.get(reverse("opendata:catalogue"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert _keys() == [
        f"measurements-{YEAR}",
        f"evaluations-{YEAR}",
        f"score-breakdown-{YEAR}",
        "rankings",
        "survey-results",
        "rectification-cases",
    ]
    for entry in response.context["entries"]:
        key = entry["dataset"].key
        for fmt in ("csv", "xlsx", "json"):
            assert reverse("opendata:download", args=[key, fmt]) in html
        record = entry["record"]
        # The dictionary on the page lists exactly the file's columns.
        assert [f["field"] for f in entry["dictionary"]] == entry["dataset"].keys
        for field in entry["dictionary"]:
            assert f"<code>{field['field']}</code>" in html
        assert record.rows == len(json.loads(_body(_get(client, key, "json")))["data"])
        for fmt in ("csv", "xlsx", "json"):
            assert record.files[fmt]["size"] == len(_body(_get(client, key, fmt)))
    assert OpenDataSettings().licence_en in html
    assert "Data last changed" in html


def _get(client, key, fmt, language=EN):
    response = client.get(reverse("opendata:download", args=[key, fmt]), **language)
    assert response.status_code == 200, (key, fmt)
    return response


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "key",
    [
        f"measurements-{YEAR}",
        f"evaluations-{YEAR}",
        f"score-breakdown-{YEAR}",
        "rankings",
        "survey-results",
        "rectification-cases",
    ],
)
def test_each_dataset_opens_with_chinese_intact_in_csv_xlsx_and_json(client, city, key):
    def _get(client, key, fmt):  # the site's default language, Chinese
        response = client.get(reverse("opendata:download", args=[key, fmt]))
        assert response.status_code == 200
        return response

    csv_body = _body(_get(client, key, "csv"))
    assert csv_body.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    frame = pd.read_csv(io.BytesIO(csv_body), encoding="utf-8-sig", dtype=str)
    payload = json.loads(_body(_get(client, key, "json")))
    fields = payload["fields"]
    # The dictionary in the JSON matches the columns of every file.
    assert [f["field"] for f in fields] == [c["key"] for c in payload["columns"]]
    assert list(frame.columns) == [f["label"] for f in fields]
    assert all(f["meaning"] for f in fields)
    assert payload["licence"] == OpenDataSettings().licence
    assert len(frame) == payload["rows"] == len(payload["data"]) > 0
    workbook = openpyxl.load_workbook(io.BytesIO(_body(_get(client, key, "xlsx"))))
    assert workbook.sheetnames == ["data", "dictionary", "about"]
    data = list(workbook["data"].iter_rows(values_only=True))
    assert list(data[0]) == [f["label"] for f in fields]
    assert len(data) - 1 == len(frame)
    dictionary = list(workbook["dictionary"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in dictionary] == [f["field"] for f in fields]
    # Chinese text survives each format (department names; a case's or survey's title).
    chinese = {"青川市数据资源局", "不动产登记窗口调查", "午间排队整改"}
    in_csv = set(frame.to_numpy().ravel()) & chinese
    in_xlsx = {v for row in data for v in row} & chinese
    in_json = {v for row in payload["data"] for v in row.values()} & chinese
    assert in_csv and in_csv == in_xlsx == in_json


def test_unpublished_data_is_in_no_file(client, city):
    everything = b"".join(
        _body(_get(client, key, fmt)) for key in _keys() for fmt in ("csv", "json")
    ).decode("utf-8-sig", errors="replace")
    assert str(HIDDEN_YEAR) not in " ".join(_keys())
    for secret in ("未公开指标", "4242.5", "内部调查", "内部来源", "未公开的案例", "未审核的留言"):
        assert secret not in everything
    # A public case's moderated comment is published, as on its page.
    assert "窗口很好" in everything
    assert client.get(f"/data/measurements-{HIDDEN_YEAR}.csv").status_code == 404


def test_unknown_dataset_or_format_is_a_404(client, city):
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get(f"/data/measurements-{YEAR}.pdf").status_code == 404


def test_download_name_and_conditional_get(client, city):
    response = _get(client, "rankings", "csv")
    assert response["Content-Disposition"] == 'attachment; filename="rankings.csv"'
    assert response["Content-Type"].startswith("text/csv")
    again = client.get(
        reverse("opendata:download", args=["rankings", "csv"]),
        HTTP_IF_NONE_MATCH=response["ETag"],
        **EN,
    )
    assert again.status_code == 304
