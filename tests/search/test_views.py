"""The search page and the JSON endpoint, as a visitor and a journalist use them (embedded)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from search import indexing
from search.backends.base import MAX_PAGE, MAX_QUERY_CHARS
from search.models import PendingIndexUpdate
from tests.builders import sqlite_integer_binds


def zh(msgid: str, **params) -> str:
    """A message as the (default) Chinese site shows it."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def indexed(embedded, city, wagtail_site):
    """The site's own backend (embedded, in a temporary file) with the city indexed."""
    indexing.rebuild()
    return city


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_results_with_type_department_period_and_link(client, indexed):
    html = page(client, q="满意度")
    assert '<label for="search-q">' in html
    assert 'role="search"' in html
    assert '<ol class="search-results"' in html
    indicator = indexed.indicators["safety_sat"]
    assert f'href="{indicator.get_absolute_url()}"' in html
    assert "群众安全感<mark>满意度</mark>" in html  # the title, highlighted
    assert "市公安局" in html
    assert "2025-03" in html  # the period of a monthly result
    # Facets are checkboxes with counts.
    assert re.search(r'<input type="checkbox" name="type" value="indicator">', html)
    assert re.search(r'name="dimension" value="satisfaction"', html)
    assert 'name="year_from"' in html and 'name="year_to"' in html
    assert 'id="search-sort"' in html


def test_a_filter_stays_checked_and_narrows_the_list(client, indexed):
    html = page(client, q="满意度", type="indicator", year="2024")
    assert re.search(r'name="type" value="indicator" checked', html)
    assert re.search(r'name="year" value="2024" checked', html)
    assert html.count('class="search-result"') == 1


def test_query_count_does_not_grow_with_the_results(client, indexed):
    page(client, q="营商")  # the synonym list is read once, then comes from the cache
    with CaptureQueriesContext(connection) as few:
        page(client, q="刑事案件破案率")
    with CaptureQueriesContext(connection) as many:
        page(client, q="市统计局")
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_pagination_is_a_labelled_navigation(client, indexed):
    from portal.factories import IndicatorFactory

    # Results are grouped (one row per indicator): more indicators than a page holds.
    for n in range(21):
        IndicatorFactory(goal=indexed.goals["service"], name=f"统计指标{n}", methodology="市统计局")
    indexing.rebuild()
    html = page(client, q="市统计局")
    assert '<nav class="pagination" aria-label=' in html
    assert 'aria-current="page"' in html
    second = page(client, q="市统计局", page="2")
    assert 'rel="prev"' in second


def test_a_page_beyond_the_last_shows_the_last_with_a_notice(client, indexed):
    html = page(client, q="市统计局", page="9999")
    assert (
        zh(
            "Only the first %(max)d pages of results are shown; showing page %(max)d. "
            "Narrow the search to see more.",
            max=MAX_PAGE,
        )
        in html
    )
    assert '<ol class="search-results"' in html
    api = client.get("/search/api/", {"q": "市统计局", "page": "9999"}).json()
    assert api["results"] and api["page"] == api["pages"]
    assert api["notices"]


def test_long_and_odd_input_gets_a_message_not_an_error(client, indexed):
    html = page(client, q="满意度" + "长" * 2000)
    assert (
        zh(
            "Your search was longer than %(max)d characters; only the first %(max)d are used.",
            max=MAX_QUERY_CHARS,
        )
        in html
    )
    for raw in ['"', "(", ":", "\\", "*", "满意度) OR (", "<script>alert(1)</script>"]:
        html = page(client, q=raw)
        assert "<script>alert" not in html
    html = page(client, q="满意度", type="bogus", department="abc", page="x", sort="up")
    assert zh("Some filters were not recognised and have been ignored.") in html
    assert zh("“%(page)s” is not a page number; showing the first page.", page="x") in html


def test_an_out_of_range_department_is_an_unknown_filter(client, indexed):
    # On the demo's SQLite a number beyond 64 bits failed the department lookup: a 500.
    with sqlite_integer_binds():
        for path in ("/search/", "/search/api/"):
            response = client.get(path, {"q": "满意度", "department": "99999999999999999999"})
            assert response.status_code == 200
            assert zh("Some filters were not recognised and have been ignored.") in (
                response.content.decode()
            )


def test_an_empty_search_asks_for_words(client, indexed):
    html = page(client, q="")
    assert zh("Type a word to search for, or choose a filter.") in html
    assert "search-results" not in html
    assert page(client)  # the bare page


def test_nothing_found_suggests_a_spelling(client, indexed):
    html = page(client, q="满意渡")  # 渡 for 度: same pinyin
    assert zh("Nothing matches “%(q)s”.", q="满意渡") in html
    assert zh("Did you mean:") in html
    assert "?q=%E6%BB%A1%E6%84%8F%E5%BA%A6" in html  # 满意度


def test_the_header_links_to_search(client, indexed):
    html = page(client, q="营商")
    assert re.search(r'<a href="/search/" aria-current="page">', html)


def test_the_json_endpoint_takes_the_same_parameters(client, indexed):
    response = client.get("/search/api/", {"q": "营商", "type": "goal"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    hit = data["results"][0]
    assert hit["title"] == "持续优化营商环境"
    assert hit["type"] == "goal" and hit["department"] == "市市场监督管理局"
    assert hit["url"].startswith("http://testserver/goals/2025/")
    assert "<mark>营商</mark>" in hit["snippet"]
    assert {o["value"] for o in data["facets"]["type"]} >= {"goal", "indicator"}
    assert data["query"]["type"] == ["goal"]
    empty = client.get("/search/api/").json()
    assert empty["total"] == 0 and empty["notices"]


def test_the_english_site_shows_english_department_names(client, indexed):
    client.get("/lang/en/")
    html = page(client, q="gaj")
    assert "Public Security Bureau" in html


def test_search_index_command_rebuilds_reports_and_retries(embedded, city):
    out = io.StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "Indexed" in out.getvalue()
    out = io.StringIO()
    call_command("search_index", "status", stdout=out)
    assert "available: yes" in out.getvalue()
    expected = re.search(r"expected:\s+(\d+)", out.getvalue()).group(1)
    assert re.search(rf"indexed:\s+{expected}\b", out.getvalue())
    PendingIndexUpdate.objects.create(doc_type="goal", object_id=str(city.goals["safety"].pk))
    out = io.StringIO()
    call_command("search_index", "retry", stdout=out)
    assert "Sent 1" in out.getvalue()
    assert not PendingIndexUpdate.objects.exists()


def test_a_group_is_one_row_with_a_link_to_its_other_years(client, indexed):
    html = page(client, q="群众安全感满意度", type="indicator")
    assert html.count('class="search-result"') == 1
    more = zh("%(count)d more year", count=1)
    assert more in html
    link = re.search(r'<p class="search-result__more"><a href="([^"]+)"', html).group(1)
    narrowed = client.get(link.replace("&amp;", "&")).content.decode()
    assert narrowed.count('class="search-result"') == 2
    assert 'type="hidden" name="group"' in narrowed


def test_the_api_carries_each_groups_key_count_and_link(client, indexed):
    data = client.get("/search/api/", {"q": "群众安全感满意度", "type": "result"}).json()
    assert data["total"] == 1
    (row,) = data["results"]
    assert row["group_count"] == 6 and row["group"].startswith("result:")
    narrowed = client.get(row["group_url"]).json()
    assert narrowed["total"] == 6 and narrowed["query"]["group"] == row["group"]
    assert all(r["group_url"] is None for r in narrowed["results"])
