"""Filters narrow the lists as documented; a bad parameter is a 400 that names it."""

import pytest

pytestmark = pytest.mark.django_db


def results(api, path, **params):
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_measurements_by_department_indicator_and_months(api, api_world):
    department = api_world["department"]
    figures = results(api, "/api/v1/measurements/", department=department.slug, page_size=500)
    assert figures and {f["department"]["slug"] for f in figures} == {department.slug}
    code = figures[0]["indicator"]
    one = results(api, "/api/v1/measurements/", indicator=code, **{"from": "2026-02"})
    assert [f["period"] for f in one] == ["2026-02", "2026-03"]
    assert {f["indicator"] for f in one} == {code}
    window = results(api, "/api/v1/measurements/", indicator=code, to="2026-01")
    assert [f["period"] for f in window] == ["2026-01"]


def test_every_figure_says_period_unit_source_and_as_of(api, api_world):
    figure = results(api, "/api/v1/measurements/")[0]
    assert figure["period"] == "2026-01"
    assert figure["unit"] == "%"
    assert figure["source"]  # the figure's own, else the indicator's named source
    assert figure["as_of"][:4] >= "2026"
    assert figure["url"].startswith("http://testserver/indicators/")


def test_measurements_by_dimension_and_status(api, api_world):
    assert results(api, "/api/v1/measurements/", dimension="satisfaction") == []
    assert results(api, "/api/v1/measurements/", dimension="output")
    indicator = results(api, "/api/v1/indicators/")[0]
    same = results(api, "/api/v1/measurements/", status=indicator["status"], page_size=500)
    assert same and {f["indicator_status"] for f in same} == {indicator["status"]}


def test_indicators_and_goals_by_department_and_cycle(api, api_world):
    department = api_world["department"]
    indicators = results(api, "/api/v1/indicators/", department=department.slug, cycle="2026")
    assert indicators and {i["department"]["slug"] for i in indicators} == {department.slug}
    goals = results(api, "/api/v1/goals/", department=department.slug)
    # Its own goals and the one it co-operates on.
    assert {g["department"]["slug"] for g in goals} > {department.slug}


def test_goal_tree_is_the_department_pages_tree(api, api_world):
    department = api_world["department"]  # it leads the city goal too
    response = api.get("/api/v1/goals/tree/", {"department": department.slug})
    assert response.status_code == 200
    (city,) = response.json()
    assert city["level"] == 1 and city["role"] == "owner"
    own = [g for g in city["children"] if g["role"] == "owner"]
    assert len(own) == 1 and own[0]["children"][0]["level"] == 3
    assert own[0]["indicators"] and own[0]["children"][0]["indicators"]
    whole = api.get("/api/v1/goals/tree/").json()
    assert len(whole) == 1 and len(whole[0]["children"]) == 3


def test_evaluations_rank_of_n_and_breakdown(api, api_world):
    rows = results(api, "/api/v1/evaluations/", month="2026-03")
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert {r["ranked"] for r in rows} == {3}
    first = rows[0]
    assert first["period"] == "2026-03" and first["unit"] and first["source"]
    detail = api.get(first["breakdown_url"]).json()
    assert detail["total"] == first["total"]
    goals = detail["breakdown"]["parts"]["goals"]
    points = sum(r["points"] or 0 for r in detail["rows"])
    qualitative = detail["breakdown"]["parts"]["qualitative"]["points"]
    assert round(points + qualitative, 2) == round(first["total"], 2)
    assert goals["dimensions"] and all(r["code"] and r["unit"] for r in detail["rows"])


def test_evaluation_detail_of_unpublished_year_is_404(api, api_world):
    department = api_world["department"]
    response = api.get(f"/api/v1/evaluations/{department.slug}/2027/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/v1/measurements/", {"from": "2026-13"}, "from"),
        ("/api/v1/measurements/", {"to": "March"}, "to"),
        ("/api/v1/measurements/", {"from": "2026-05", "to": "2026-01"}, "from"),
        ("/api/v1/measurements/", {"status": "purple"}, "status"),
        ("/api/v1/measurements/", {"dimension": "speed"}, "dimension"),
        ("/api/v1/measurements/", {"department": "no-such-bureau"}, "department"),
        ("/api/v1/measurements/", {"cycle": "99999999999999999999"}, "cycle"),
        ("/api/v1/measurements/", {"page_size": "0"}, "page_size"),
        ("/api/v1/measurements/", {"page_size": "501"}, "page_size"),
        ("/api/v1/measurements/", {"page_size": "9" * 40}, "page_size"),
        ("/api/v1/measurements/", {"cursor": "not-a-cursor"}, "cursor"),
        # A well-formed cursor whose position is no id (base64 of "p=abc").
        ("/api/v1/measurements/", {"cursor": "cD1hYmM="}, "cursor"),
        # ... or an id past the largest integer (base64 of "p=99999999999999999999").
        ("/api/v1/measurements/", {"cursor": "cD05OTk5OTk5OTk5OTk5OTk5OTk5OQ=="}, "cursor"),
        ("/api/v1/measurements/", {"departmnet": "x"}, "departmnet"),
        ("/api/v1/evaluations/", {"month": "2026-3-1"}, "month"),
        ("/api/v1/cases/", {"status": "closed"}, "status"),
        ("/api/v1/reports/", {"kind": "novel"}, "kind"),
        ("/api/v1/reports/", {"year": "26"}, "year"),
        ("/api/v1/survey-results/", {"survey": "no-such-survey"}, "survey"),
    ],
)
def test_bad_parameter_is_400_naming_it(api, api_world, path, params, parameter):
    response = api.get(path, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert body["detail"]


def test_repeated_parameter_is_refused(api, api_world):
    response = api.get("/api/v1/measurements/?status=red&status=green")
    assert response.status_code == 400
    assert response.json()["parameter"] == "status"


@pytest.mark.parametrize(
    ("path", "serializer"),
    [
        ("/api/v1/measurements/", "MeasurementSerializer"),
        ("/api/v1/indicators/", "IndicatorSerializer"),
    ],
)
def test_fast_rows_have_exactly_the_documented_fields(api, api_world, path, serializer):
    from api import serializers

    row = results(api, path)[0]
    assert set(row) == set(getattr(serializers, serializer)().fields)
