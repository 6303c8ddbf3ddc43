"""What the public sees of residents' ratings: a survey's and a service's results (the latest
month in figures and as a distribution, the trend by month, results per service), in both
languages, with downloads that hold exactly the table shown, and bounded queries."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.factories import DepartmentFactory
from portal.templatetags.portal_tags import month, num
from surveys.aggregation import aggregate_month
from surveys.factories import (
    AnswerFactory,
    ResponseFactory,
    ServiceFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import Service, SurveyResult
from tests.builders import EN, ZH

pytestmark = pytest.mark.django_db

AUGUST, SEPTEMBER, OCTOBER = (datetime.date(2026, m, 1) for m in (8, 9, 10))
FORMATS = ("csv", "xlsx", "json")


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def rate(survey, question, levels, *, service, on: datetime.date):
    for level in levels:
        response = ResponseFactory(
            survey=survey,
            service=service,
            submitted_at=datetime.datetime(on.year, on.month, 15, 10, tzinfo=datetime.UTC),
        )
        AnswerFactory(response=response, question=question, level=level)


def build_rated_survey(slug="property", **fields):
    """A survey of a window and an online service: August entered by an editor (a telephone
    survey run elsewhere), September and October aggregated from ratings at the window.
    October: 2 very satisfied, 2 satisfied, 3 fairly satisfied, 1 dissatisfied — score 72.5
    (95 % CI 38.7–91.7), satisfied share 50 % (21.5–78.5)."""
    department = fields.pop("department", None) or DepartmentFactory(
        name="市不动产登记中心" if slug == "property" else f"{slug}中心",
        name_en="Property Registration Centre",
    )
    window = ServiceFactory(
        department=department,
        name="不动产登记窗口",
        name_en="Property registration window",
        slug=f"{slug}-window",
        address="市民中心二楼 12 号窗口",
    )
    online = ServiceFactory(
        department=department,
        name="不动产登记网上办",
        name_en="Property registration online",
        slug=f"{slug}-online",
        channel=Service.Channel.ONLINE,
        address="",
        url="https://example.gov.cn/bdc",
    )
    survey = SurveyFactory(
        department=department,
        slug=slug,
        title="不动产登记服务满意度调查",
        title_en="Property registration satisfaction survey",
        services=[window, online],
        **fields,
    )
    overall = SurveyQuestionFactory(survey=survey, key="overall", sort_order=0)
    SurveyResultFactory(
        survey=survey,
        period=AUGUST,
        responses=40,
        mean_score=Decimal("4.20"),
        satisfied_share=Decimal("85.00"),
        source="12345 热线回访",
        origin=SurveyResult.Origin.ENTERED,
    )
    rate(survey, overall, [5, 5, 5, 4], service=window, on=SEPTEMBER)
    rate(survey, overall, [5, 5, 4, 4, 3, 3, 3, 2], service=window, on=OCTOBER)
    aggregate_month(SEPTEMBER)
    aggregate_month(OCTOBER)
    return survey, window, online


def html_of(client, url, headers=EN) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


class _Tables(HTMLParser):
    """The text of every cell of every table body, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._in_body = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._current = self.tables.setdefault(attrs.get("id", len(self.tables)), [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._current.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_cells(html: str, table_id: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables[table_id]


def as_page_prints(row: dict) -> list[str]:
    """A downloaded row as the page's table prints it (surveys/includes/results_table.html)."""
    share = row["satisfied_share"]
    cells = [month(row["period"])]
    if "survey" in row:
        cells.append(row["survey"])
    cells += [
        row["origin"],
        num(row["responses"], 0),
        num(row["mean_score"], 2),
        f"{num(share, 1)}%" if share is not None else "—",
        *(num(row[k], 1) for k in ("satisfied_low", "satisfied_high", "score")),
        *(num(row[k], 1) for k in ("score_low", "score_high")),
        row["source"] or "—",
        row["note"] or "—",
    ]
    return cells


# --- a survey ----------------------------------------------------------------------------------


def test_survey_page_shows_the_latest_month_in_figures_with_interval_and_sample_size(client):
    survey, _window, _online = build_rated_survey()
    html = html_of(client, survey.get_absolute_url())
    latest = section(html, "latest-heading")
    assert "Latest month: October 2026" in latest
    assert '<strong class="headline__figure">50%</strong>' in latest
    assert "95% confidence interval 21.5%–78.5%" in latest
    assert "Score 72.5 (95% confidence interval 38.7–91.7, 8 ratings)" in latest
    assert (
        "Ratings sent on this site" in latest
        and 'Source: <span lang="zh-Hans">本站评价</span>.' in latest
    )


def test_survey_page_draws_the_distribution_with_a_table_alternative(client):
    survey, _window, _online = build_rated_survey()
    html = html_of(client, survey.get_absolute_url())
    assert 'src="/static/portal/vendor/plotly-basic.min.js"' in html  # self-hosted, no CDN
    latest = section(html, "latest-heading")
    assert 'id="distribution-chart" role="img" aria-label="Bar chart of the answers' in latest
    assert "The table below has the same figures." in latest
    payload = json.loads(latest.split('id="distribution-chart-data">')[1].split("</script>")[0])
    [bars] = payload["figure"]["data"]
    assert bars["x"] == [
        "Very satisfied",
        "Satisfied",
        "Fairly satisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ]
    assert bars["y"] == [2, 2, 3, 1, 0]
    assert table_cells(latest, 0) == [
        ["Very satisfied", "2", "25%"],
        ["Satisfied", "2", "25%"],
        ["Fairly satisfied", "3", "37.5%"],
        ["Dissatisfied", "1", "12.5%"],
        ["Very dissatisfied", "0", "0%"],
    ]
    assert '<th scope="col">Answer</th>' in latest and "<caption" in latest


def test_trend_by_month_says_where_each_months_figures_come_from(client):
    survey, _window, _online = build_rated_survey()
    html = html_of(client, survey.get_absolute_url())
    results = section(html, "results-heading")
    assert 'id="trend-chart" role="img"' in results
    trend = json.loads(results.split('id="trend-chart-data">')[1].split("</script>")[0])
    share, score = trend["figure"]["data"]
    assert share["x"] == ["2026-08", "2026-09", "2026-10"]
    assert share["y"] == [85.0, 100.0, 50.0] and score["y"] == [None, 95.0, 72.5]
    assert share["error_y"]["arrayminus"][2] == pytest.approx(50 - 21.52)
    rows = table_cells(results, "results")
    # The table newest first (the chart keeps time running left to right).
    assert [row[:4] for row in rows] == [
        ["October 2026", "Ratings sent on this site", "8", "3.63"],
        ["September 2026", "Ratings sent on this site", "4", "4.75"],
        ["August 2026", "Entered by an editor", "40", "4.2"],
    ]
    assert rows[0][4:10] == ["50%", "21.5", "78.5", "72.5", "38.7", "91.7"]
    assert rows[2][6:10] == ["—", "—", "—", "—"]  # entered: no interval, no score
    assert "Data as of October 2026" in results
    assert 'id="m-2026-10"' in results  # the search result for a month links here


def test_results_per_service_link_each_service_page(client):
    survey, window, online = build_rated_survey()
    html = html_of(client, survey.get_absolute_url())
    services = section(html, "services-heading")
    assert "Each service in October 2026" in services
    assert table_cells(services, 0) == [
        # By Chinese name: 不动产登记窗口 before 不动产登记网上办.
        [
            "Property registration window",
            "Service window",
            "8",
            "50%",
            "72.5 (38.7–91.7)",
            "Ratings sent on this site",
        ],
        ["Property registration online", "Online", "—", "—", "—", "—"],
    ]
    assert f'href="{window.get_absolute_url()}"' in services
    assert f'href="{online.get_absolute_url()}"' in services


@pytest.mark.usefixtures("no_page_cache")
def test_the_rating_link_shows_only_while_the_survey_is_open(client):
    survey, _window, _online = build_rated_survey()
    rate_url = reverse("surveys:rate", kwargs={"slug": survey.slug})
    assert f'<a class="button-link" href="{rate_url}">Rate this service</a>' in html_of(
        client, survey.get_absolute_url()
    )
    survey.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    survey.save()
    assert rate_url not in html_of(client, survey.get_absolute_url())


def test_survey_page_in_chinese(client):
    survey, window, _online = build_rated_survey()
    html = html_of(client, survey.get_absolute_url(), ZH)
    assert 'lang="zh-Hans"' in html
    assert survey.title in html and "市不动产登记中心" in html and window.name in html
    assert "Property registration" not in html  # no English names on the Chinese site
    latest = section(html, "latest-heading")
    assert "满意率" in latest and "非常满意" in latest
    for figure in ("50%", "72.5", "38.7", "91.7", "21.5", "78.5"):
        assert figure in latest
    bars = json.loads(latest.split('id="distribution-chart-data">')[1].split("</script>")[0])
    assert bars["figure"]["data"][0]["x"][0] == "非常满意"


# --- downloads ---------------------------------------------------------------------------------


def _downloads(client, url_name, slug):
    files = {}
    for fmt in FORMATS:
        response = client.get(reverse(url_name, kwargs={"slug": slug, "fmt": fmt}), **EN)
        assert response.status_code == 200, fmt
        assert not response.cookies
        assert f'filename="{slug}-results.{fmt}"' in response["Content-Disposition"]
        files[fmt] = response.content
    return files


def _check_downloads_equal(files, rows, html_rows):
    payload = json.loads(files["json"])
    assert payload["data"] == rows
    assert [column["key"] for column in payload["columns"]] == list(rows[0])
    assert [as_page_prints(row) for row in payload["data"]] == html_rows

    assert files["csv"].startswith(b"\xef\xbb\xbf")
    header, *data = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert header[0] == "Month" and "Origin" in header and "Score, 95% CI high" in header
    assert data == [["" if v is None else str(v) for v in row.values()] for row in rows]

    sheets = pd.read_excel(io.BytesIO(files["xlsx"]), sheet_name=None, dtype=object)
    sheet = sheets["data"].astype(object).where(sheets["data"].notna(), None)
    assert [list(r) for r in sheet.itertuples(index=False)] == [
        [None if v == "" else v for v in row.values()] for row in rows
    ]
    return payload, sheets


def test_survey_downloads_hold_exactly_the_table_shown(client):
    survey, _window, _online = build_rated_survey()
    response = client.get(survey.get_absolute_url(), **EN)
    rows = response.context["rows"]
    html = response.content.decode()
    # Newest first, in the table and in every download (_check_downloads_equal).
    assert [r["period"] for r in rows] == ["2026-10", "2026-09", "2026-08"]
    for fmt in FORMATS:
        assert f'href="/surveys/property/results.{fmt}" download' in html
    files = _downloads(client, "surveys:survey_download", survey.slug)
    payload, sheets = _check_downloads_equal(files, rows, table_cells(html, "results"))
    assert payload["survey"] == {"slug": "property", "title": survey.title}
    assert payload["as_of"] == "2026-10" and payload["source"] == "12345 热线回访、本站评价"
    assert payload["methodology_url"].endswith("/surveys/property/#methodology")
    assert survey.title in " ".join(str(v) for v in sheets["about"].to_numpy().ravel())


def test_service_downloads_hold_exactly_the_table_shown(client):
    _survey, window, _online = build_rated_survey()
    response = client.get(window.get_absolute_url(), **EN)
    rows = response.context["rows"]
    html = response.content.decode()
    files = _downloads(client, "surveys:service_download", window.slug)
    payload, _sheets = _check_downloads_equal(files, rows, table_cells(html, "results"))
    assert [r["survey"] for r in rows] == ["Property registration satisfaction survey"] * 2
    assert [r["period"] for r in rows] == ["2026-10", "2026-09"]
    assert payload["as_of"] == "2026-10"
    assert "Data as of October 2026" in html
    assert payload["service"] == {"slug": window.slug, "name": window.name, "channel": "window"}


def test_an_editors_formula_like_note_stays_text_in_every_download(client):
    survey, _window, _online = build_rated_survey()
    note = '=HYPERLINK("http://example.com/x","点击")'
    SurveyResult.objects.filter(survey=survey, period=AUGUST).update(note=note)
    files = _downloads(client, "surveys:survey_download", survey.slug)
    assert f"'{note}".replace('"', '""') in files["csv"].decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))["data"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == note]
    assert cell.data_type == "s"
    assert json.loads(files["json"])["data"][-1]["note"] == note  # August, the oldest


def test_downloads_of_what_is_not_public_or_unknown_formats_are_404(client):
    survey, window, _online = build_rated_survey()
    assert client.get(f"/surveys/{survey.slug}/results.pdf").status_code == 404
    assert client.get(f"/surveys/services/{window.slug}/results.txt").status_code == 404
    assert client.get("/surveys/no-such-survey/results.csv").status_code == 404
    assert client.get("/surveys/services/no-such-service/results.csv").status_code == 404
    survey.results_public = False
    survey.save()
    assert client.get(f"/surveys/{survey.slug}/results.csv").status_code == 404
    # The service stays public, but the survey's months leave its table.
    payload = json.loads(client.get(f"/surveys/services/{window.slug}/results.json").content)
    assert payload["data"] == []


# --- a service ---------------------------------------------------------------------------------


def test_service_page_shows_where_it_is_its_qr_code_poster_and_results(client):
    survey, window, _online = build_rated_survey()
    html = html_of(client, window.get_absolute_url())
    assert "<h1>Property registration window</h1>" in html
    assert "市民中心二楼 12 号窗口" in html and "Service window" in html
    assert f'src="/surveys/services/{window.slug}/qr.svg"' in html
    assert 'alt="QR code that opens the rating form of this service"' in html
    assert f'href="/surveys/services/{window.slug}/poster/"' in html
    assert f'<a class="button-link" href="/surveys/s/{window.slug}/">Rate this service</a>' in html
    assert f'href="{survey.get_absolute_url()}"' in html
    latest = section(html, "latest-heading")
    assert "Score 72.5 (95% confidence interval 38.7–91.7, 8 ratings)" in latest
    assert 'id="distribution-chart" role="img"' in latest and "37.5%" in latest
    rows = table_cells(section(html, "results-heading"), "results")
    assert [row[:3] for row in rows] == [
        ["October 2026", "Property registration satisfaction survey", "Ratings sent on this site"],
        [
            "September 2026",
            "Property registration satisfaction survey",
            "Ratings sent on this site",
        ],
    ]


def test_an_online_service_shows_its_web_address_and_no_rating_link_when_no_survey_is_open(
    client,
):
    survey, _window, online = build_rated_survey(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = html_of(client, online.get_absolute_url())
    assert '<a href="https://example.gov.cn/bdc" rel="nofollow noopener">' in html
    assert "Rate this service" not in html
    assert "No results of this service have been published yet." in html
    assert survey.get_absolute_url() not in html  # it has no months of this service


def test_service_page_in_chinese(client):
    _survey, window, _online = build_rated_survey()
    html = html_of(client, window.get_absolute_url(), ZH)
    assert "<h1>不动产登记窗口</h1>" in html and "不动产登记服务满意度调查" in html
    assert "Property registration" not in html and "72.5" in html and "满意率" in html


@pytest.mark.parametrize("change", ["inactive service", "inactive department", "unknown"])
def test_a_service_that_is_not_public_answers_404(client, change):
    _survey, window, _online = build_rated_survey()
    url = window.get_absolute_url()
    if change == "inactive service":
        window.active = False
        window.save()
    elif change == "inactive department":
        window.department.active = False
        window.department.save()
    else:
        url = "/surveys/services/no-such-service/"
    assert client.get(url, **EN).status_code == 404


def test_a_private_surveys_months_stay_off_the_service_page(client):
    survey, window, _online = build_rated_survey()
    survey.results_public = False
    survey.save()
    html = html_of(client, window.get_absolute_url())
    assert "72.5" not in html and survey.get_absolute_url() not in html
    assert "No results of this service have been published yet." in html


def test_user_text_on_results_pages_is_escaped(client):
    survey, window, _online = build_rated_survey()
    window.name_en = "<script>alert(1)</script>"
    window.address = "<img src=x onerror=alert(2)>"
    window.save()
    SurveyResult.objects.filter(survey=survey, period=AUGUST).update(note="<b>注</b>")
    for url in (window.get_absolute_url(), survey.get_absolute_url()):
        html = html_of(client, url)
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "<b>注</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;注&lt;/b&gt;" in html


# --- bounded queries ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **EN)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_query_counts_do_not_grow_with_months_services_or_ratings(client):
    survey, window, online = build_rated_survey()
    urls = [
        survey.get_absolute_url(),
        window.get_absolute_url(),
        f"/surveys/{survey.slug}/results.csv",
        f"/surveys/{survey.slug}/results.json",
        f"/surveys/services/{window.slug}/results.xlsx",
    ]
    before = {url: count_queries(client, url) for url in urls}
    # More of everything: months, services, surveys of the same service, ratings.
    overall = survey.questions.get()
    for m in range(1, 8):
        rate(survey, overall, [5, 4, 2], service=online, on=datetime.date(2026, m, 1))
        aggregate_month(datetime.date(2026, m, 1))
    for n in range(4):
        extra = ServiceFactory(department=survey.department, slug=f"extra-{n}")
        survey.services.add(extra)
        rate(survey, overall, [n + 1], service=extra, on=OCTOBER)
    other = SurveyFactory(department=survey.department, slug="second", services=[window, online])
    rate(other, SurveyQuestionFactory(survey=other), [3, 4], service=window, on=OCTOBER)
    aggregate_month(OCTOBER)
    build_rated_survey(slug="elsewhere")
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
    assert max(before.values()) <= 8
