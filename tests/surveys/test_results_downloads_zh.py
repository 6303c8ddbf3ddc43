"""The results downloads in Chinese: every column has a heading of its own.

In Chinese "Origin" (where the month's results come from: this site's ratings or an editor's
entry) and "Source" (where the answers come from) were both 来源, so the survey and service
downloads had two columns with one heading."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from surveys import tables
from tests.builders import ZH
from tests.surveys.test_results_pages import build_rated_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def _download(client, url_name, slug, fmt) -> bytes:
    response = client.get(reverse(url_name, kwargs={"slug": slug, "fmt": fmt}), **ZH)
    assert response.status_code == 200, fmt
    return response.content


@pytest.mark.parametrize("url_name", ["surveys:survey_download", "surveys:service_download"])
def test_chinese_results_downloads_have_distinct_headings(client, url_name):
    survey, window, _online = build_rated_survey()
    slug = survey.slug if url_name == "surveys:survey_download" else window.slug

    body = _download(client, url_name, slug, "csv")
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    keys = (
        tables.RESULT_KEYS if url_name == "surveys:survey_download" else tables.SERVICE_RESULT_KEYS
    )
    assert len(header) == len(set(header)) == len(keys), header  # no column lost or doubled
    assert "结果来源" in header and "来源" in header
    # The origin column holds where the month's results come from, under its own heading.
    origin = header.index("结果来源")
    assert {row[origin] for row in rows} >= {"本站评价"}

    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, url_name, slug, "xlsx")))["data"]
    headings = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headings == header

    payload = json.loads(_download(client, url_name, slug, "json"))
    labels = [column["label"] for column in payload["columns"]]
    assert labels == header
