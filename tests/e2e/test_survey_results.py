"""What a resident sees of the ratings in a real browser, on a phone: a survey's and a service's
results with their charts drawn, the case list; no serious accessibility barrier, nothing wider
than a 390 px screen, nothing loaded from another host."""

from __future__ import annotations

import datetime

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def rated(transactional_db):
    """A survey of a window with two months of ratings, aggregated; a moderated case."""
    from portal.factories import DepartmentFactory
    from surveys.aggregation import aggregate_month
    from surveys.factories import (
        AnswerFactory,
        RectificationCaseFactory,
        ResponseFactory,
        ServiceFactory,
        SurveyFactory,
        SurveyQuestionFactory,
    )
    from surveys.models import RectificationCase

    department = DepartmentFactory(name="市不动产登记中心")
    window = ServiceFactory(department=department, name="不动产登记窗口", slug="window")
    survey = SurveyFactory(department=department, slug="property", services=[window])
    overall = SurveyQuestionFactory(survey=survey)
    for month, levels in ((9, [5, 5, 5, 4]), (10, [5, 5, 4, 4, 3, 3, 3, 2])):
        for level in levels:
            response = ResponseFactory(
                survey=survey,
                service=window,
                submitted_at=datetime.datetime(2025, month, 15, 10, tzinfo=datetime.UTC),
            )
            AnswerFactory(response=response, question=overall, level=level)
        aggregate_month(datetime.date(2025, month, 1))
    RectificationCaseFactory(
        survey=survey,
        service=window,
        comment="午间窗口太少",
        comment_moderated=True,
        due_on=datetime.date(2025, 10, 22),
        reply_kind=RectificationCase.Reply.RECTIFIED,
        replied_on=datetime.date(2025, 10, 20),
    )
    return survey, window


def _open_on_a_phone(site_page, path):
    site_page.page.set_viewport_size(PHONE)
    return site_page.open(path)


@pytest.mark.parametrize("page_name", ["survey", "service", "cases"])
def test_results_pages_work_on_a_phone_without_accessibility_barriers(site_page, rated, page_name):
    from axe_playwright_python.sync_playwright import Axe

    survey, window = rated
    path = {
        "survey": survey.get_absolute_url(),
        "service": window.get_absolute_url(),
        "cases": "/surveys/cases/",
    }[page_name]
    page = _open_on_a_phone(site_page, path)
    if page_name != "cases":
        # Both charts drawn by the self-hosted plotly.js.
        page.locator("#trend-chart svg.main-svg").first.wait_for(state="attached")
        page.locator("#distribution-chart svg.main-svg").first.wait_for(state="attached")
    # Wide tables scroll inside their own region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    results = Axe().run(page)
    barriers = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert barriers == [], "\n".join(barriers)
    assert site_page.external_requests == []
    assert site_page.errors == []
