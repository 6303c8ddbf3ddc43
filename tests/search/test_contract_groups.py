"""Grouped results, on both backends: a survey, an indicator or a goal is shown once, with its
best match and how many more of its months or years match; facets and totals count what is
shown. The fixtures are the contract's (test_contract.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from search import indexing
from search.backends.base import SearchQuery
from search.documents import group_key
from surveys.factories import SurveyResultFactory
from tests.search.test_contract import backend  # noqa: F401 - the fixture, both backends


def search(backend, text="", **params):  # noqa: F811
    return backend.search(SearchQuery(text=text, per_page=params.pop("per_page", 50), **params))


def groups(results) -> list[str]:
    return [h.group for h in results.hits]


def test_a_search_for_a_services_name_shows_its_survey_once(backend, city):  # noqa: F811
    survey = city.surveys["public"]
    for month in range(4, 13):  # a year of months, the ten identical titles of the issue
        SurveyResultFactory(survey=survey, period=datetime.date(2025, month, 1))
    indexing.rebuild(backend=backend)
    results = search(backend, "不动产登记窗口", per_page=20)
    rows = [h for h in results.hits if h.group == group_key("survey", survey.pk)]
    assert len(rows) == 1
    (row,) = rows
    # The survey itself, with its latest month, stands for it; its twelve months are "more".
    assert (row.type, row.url, row.period) == ("survey", survey.get_absolute_url(), "2025-12")
    assert row.group_count == 13
    assert len(set(groups(results))) == len(results.hits) == results.total
    narrowed = search(backend, "不动产登记窗口", group=row.group)
    assert narrowed.total == 13
    assert sorted(h.period for h in narrowed.hits if h.type == "survey_result") == [
        f"2025-{m:02d}" for m in range(1, 13)
    ]


def test_an_indicator_of_several_years_is_shown_once(backend, city):  # noqa: F811
    results = search(backend, "群众安全感满意度", types=("indicator",))
    assert [h.title for h in results.hits] == ["群众安全感满意度"]
    (hit,) = results.hits
    assert (hit.year, hit.url, hit.group_count) == (
        2025,
        city.indicators["safety_sat"].get_absolute_url(),
        2,
    )
    assert results.total == 1
    assert dict(results.facets["year"]) == {"2025": 1, "2024": 1}
    # Its monthly figures are one row too, with the newest month first when sorted by date.
    months = search(backend, "群众安全感满意度", types=("result",), sort="date")
    assert [(h.period, h.group_count) for h in months.hits] == [("2025-03", 6)]
    only_2024 = search(backend, "群众安全感满意度", years=(2024,), types=("indicator",))
    assert [(h.year, h.group_count) for h in only_2024.hits] == [(2024, 1)]


def test_facet_counts_equal_the_groups_shown(backend, city):  # noqa: F811
    for text in ("满意度", "公安局", "不动产登记"):
        results = search(backend, text)
        assert results.total == len(results.hits) == len(set(groups(results))), text
        for name, param in (
            ("type", "types"),
            ("year", "years"),
            ("department", "departments"),
            ("dimension", "dimensions"),
            ("status", "statuses"),
        ):
            for value, count in results.facets[name]:
                chosen = int(value) if name in ("year", "department") else value
                narrowed = search(backend, text, **{param: (chosen,)})
                shown = groups(narrowed)
                assert narrowed.total == len(shown) == len(set(shown)) == count, (
                    text,
                    name,
                    value,
                )


def test_pagination_over_groups_is_stable(backend, city):  # noqa: F811
    everything = groups(search(backend, "满意度", per_page=50))
    assert len(everything) > 4
    pages, page = [], 1
    while True:
        found = search(backend, "满意度", per_page=2, page=page)
        assert found.total == len(everything)
        if not found.hits:
            break
        pages.extend(groups(found))
        page += 1
    assert pages == everything
    assert groups(search(backend, "满意度", per_page=2, page=2)) == everything[2:4]


def test_a_group_narrowed_search_lists_every_matching_document(
    backend,  # noqa: F811
    city,
    django_capture_on_commit_callbacks,
):
    survey = city.surveys["public"]
    with django_capture_on_commit_callbacks(execute=True):
        SurveyResultFactory(
            survey=survey, period=datetime.date(2024, 6, 1), satisfied_share=Decimal("88.8")
        )
    key = group_key("survey", survey.pk)
    shown = [h for h in search(backend, "满意率").hits if h.group == key]
    assert len(shown) == 1 and shown[0].group_count == 5
    narrowed = search(backend, "满意率", group=key, sort="date")
    assert narrowed.total == 5
    assert dict(narrowed.facets["year"]) == {"2025": 4, "2024": 1}
    assert [h.period for h in narrowed.hits][-1] == "2024-06"
