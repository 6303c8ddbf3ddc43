"""Only published, public data: what the public pages hide, the API never shows."""

import pytest

pytestmark = pytest.mark.django_db


def results(api, path, **params):
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_unpublished_cycle_never_appears(api, api_world):
    hidden = api_world["hidden"]
    assert [c["year"] for c in results(api, "/api/v1/cycles/")] == [2026]
    assert hidden.code not in [i["code"] for i in results(api, "/api/v1/indicators/")]
    assert "2027-01" not in [g["code"] for g in results(api, "/api/v1/goals/", page_size=500)]
    figures = results(api, "/api/v1/measurements/", page_size=500)
    assert figures and all(f["year"] == 2026 for f in figures)
    assert hidden.code not in {f["indicator"] for f in figures}


def test_unpublished_cycle_or_indicator_as_a_filter_is_unknown(api, api_world):
    response = api.get("/api/v1/measurements/", {"cycle": "2027"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "cycle"
    response = api.get("/api/v1/measurements/", {"indicator": "HIDDEN-01"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "indicator"


def test_only_visible_reports(api, api_world):
    titles = [r["title"] for r in results(api, "/api/v1/reports/")]
    assert titles == [api_world["report"].title]
    report = results(api, "/api/v1/reports/")[0]
    assert report["url"].endswith(api_world["report"].url)
    assert report["department"]["slug"] == api_world["department"].slug


def test_only_public_survey_results_and_cases(api, api_world):
    survey_b = api_world["survey_b"]
    survey_b.results_public = False
    survey_b.save()
    surveys = {r["survey"]["slug"] for r in results(api, "/api/v1/survey-results/")}
    assert surveys == {api_world["survey_a"].slug}
    cases = {c["title"] for c in results(api, "/api/v1/cases/")}
    assert api_world["case_a"].title in cases
    assert api_world["overdue_b"].title not in cases  # not public
    # A public case of a survey whose results are not public does not name it.
    case_b = next(c for c in results(api, "/api/v1/cases/") if c["title"] == "公交晚点整改")
    assert case_b["survey"] is None


def test_comment_only_once_moderated(api, api_world):
    case = api_world["case_a"]
    case.comment = "窗口排队太久"
    case.comment_moderated = False
    case.save()
    shown = next(c for c in results(api, "/api/v1/cases/") if c["id"] == case.pk)
    assert shown["comment"] is None
    case.comment_moderated = True
    case.save()
    shown = next(c for c in results(api, "/api/v1/cases/") if c["id"] == case.pk)
    assert shown["comment"] == "窗口排队太久"


def test_inactive_department_is_not_listed(api, api_world):
    department = api_world["department"]
    department.active = False
    department.save()
    slugs = [d["slug"] for d in results(api, "/api/v1/departments/")]
    assert department.slug not in slugs and slugs
