"""No trace left? Nothing published disappears quietly (issue 13).

A department editor cannot delete an indicator or a figure of a published cycle (they correct
a figure with a reason or request a target adjustment); a city administrator withdraws one with
a reason, and the site keeps showing what it said. A cycle taken off the site, edited and
published again keeps its terms locked and says publicly that it was off the site, and why.

``world`` (tests/conftest.py): departments A and B in the published 2025 cycle, an editor of A
and a city administrator.
"""

import datetime
import io
import json
from decimal import Decimal

import pandas as pd
import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from portal.actions import record_measurement
from portal.factories import CycleFactory, GoalFactory, IndicatorFactory
from portal.models import Cycle, Indicator, Measurement
from portal.withdrawals import INDICATOR_WITHDRAWN
from tests.builders import EN, ensure_default_site, url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _admin_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def published_indicator(world, code="A-07", values=(("2025-01-01", "40"), ("2025-02-01", "45"))):
    indicator = IndicatorFactory(
        goal=world["goal_a"], code=code, name="政务数据开放数量", target=Decimal("95"), unit="项"
    )
    for month, value in values:
        record_measurement(indicator, datetime.date.fromisoformat(month), Decimal(value))
    return indicator


def page(client, path) -> tuple[int, str]:
    response = client.get(path, **EN)
    return response.status_code, response.content.decode()


# ---- indicators -----------------------------------------------------------------------------


def test_a_department_editor_cannot_delete_an_indicator_of_a_published_cycle(client, world):
    indicator = published_indicator(world)
    client.force_login(world["editor"])
    response = client.post(url("portal_indicator", "delete", indicator), follow=True)
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert indicator.measurements.count() == 2
    assert "stays on record" in response.content.decode()
    # Neither the edit screen nor the listing offers it.
    for screen in (url("portal_indicator", "edit", indicator), url("portal_indicator", "index")):
        content = client.get(screen).content.decode()
        assert url("portal_indicator", "delete", indicator) not in content, screen


def test_an_indicator_of_a_cycle_never_published_is_deleted_as_before(client, world):
    draft = CycleFactory(year=2027, published=False)
    goal = GoalFactory(cycle=draft, owner=world["dept_a"], code="2027-01")
    indicator = IndicatorFactory(goal=goal, code="A-2027")
    client.force_login(world["editor"])
    assert client.post(url("portal_indicator", "delete", indicator)).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_a_city_administrator_withdraws_an_indicator_only_with_a_reason(client, world):
    indicator = published_indicator(world)
    client.force_login(world["city_admin"])
    form = client.get(url("portal_indicator", "delete", indicator)).content.decode()
    assert 'name="reason"' in form

    response = client.post(url("portal_indicator", "delete", indicator), {"reason": "  "})
    assert response.status_code == 200
    assert Indicator.objects.filter(pk=indicator.pk).exists()

    response = client.post(
        url("portal_indicator", "delete", indicator), {"reason": "统计口径与上级要求不一致"}
    )
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    entry = ModelLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Indicator), action=INDICATOR_WITHDRAWN
    )
    assert entry.user == world["city_admin"]
    assert entry.data["figures"] == [
        {"month": "2025-01", "value": "40"},
        {"month": "2025-02", "value": "45"},
    ]


def test_a_withdrawn_indicator_stays_on_the_public_record(client, world):
    ensure_default_site()
    indicator = published_indicator(world)
    client.force_login(world["city_admin"])
    client.post(
        url("portal_indicator", "delete", indicator), {"reason": "统计口径与上级要求不一致"}
    )
    client.logout()

    # The goal page lists it with its terms, figures and the reason.
    status, goal_page = page(client, world["goal_a"].get_absolute_url())
    assert status == 200
    assert "Withdrawn indicators" in goal_page
    for text in ("A-07", "政务数据开放数量", "统计口径与上级要求不一致", "2025-02", "45"):
        assert text in goal_page, text
    # Its address says it was withdrawn, and what it said (410 Gone, not a plain 404).
    status, content = page(client, "/indicators/A-07/")
    assert status == 410
    assert "统计口径与上级要求不一致" in content and "95" in content
    assert client.get("/indicators/A-07/data.csv").status_code == 410


def test_an_indicator_recreated_under_the_same_code_shows_the_one_it_replaced(client, world):
    ensure_default_site()
    indicator = published_indicator(world)
    client.force_login(world["city_admin"])
    client.post(url("portal_indicator", "delete", indicator), {"reason": "指标名称调整"})
    # Back under the same code, with another target and other figures.
    replacement = IndicatorFactory(
        goal=world["goal_a"], code="A-07", name="政务数据开放数量", target=Decimal("30")
    )
    record_measurement(replacement, datetime.date(2025, 1, 1), Decimal("90"))
    client.logout()

    status, content = page(client, "/indicators/A-07/")
    assert status == 200
    assert "An earlier indicator was published under this code and withdrawn" in content
    assert "指标名称调整" in content
    assert "45" in content  # the old figures are still there to compare
    # The downloads carry them too.
    payload = json.loads(client.get("/indicators/A-07/data.json", **EN).content)
    assert {(row["month"], row["value"], row["reason"]) for row in payload["withdrawn"]} == {
        ("2025-01", "40", "指标名称调整"),
        ("2025-02", "45", "指标名称调整"),
    }


# ---- figures --------------------------------------------------------------------------------


def test_a_department_editor_cannot_delete_a_published_figure(client, world):
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    client.post(url("portal_measurement", "delete", measurement))
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_a_withdrawn_figure_is_listed_on_its_indicators_page(client, world):
    ensure_default_site()
    measurement = world["meas_a"]
    client.force_login(world["city_admin"])
    response = client.post(url("portal_measurement", "delete", measurement), {"reason": "重复填报"})
    assert response.status_code == 302
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    client.logout()
    status, content = page(client, world["ind_a"].get_absolute_url())
    assert status == 200
    assert "Published figures withdrawn by a city administrator" in content
    assert "重复填报" in content and "2025-03" in content
    sheets = pd.read_excel(
        io.BytesIO(client.get(world["ind_a"].get_absolute_url() + "data.xlsx", **EN).content),
        sheet_name=None,
        dtype=str,
    )
    assert sheets["withdrawn"][["Month", "Withdrawn value", "Reason"]].values.tolist() == [
        ["2025-03", "11", "重复填报"]
    ]


def test_a_figure_deleted_and_entered_again_cannot_skip_the_correction_history(client, world):
    """Deleting March and entering it again would have replaced 11 by 99 with no correction."""
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    client.post(url("portal_measurement", "delete", measurement))
    response = client.post(
        url("portal_measurement", "add"),
        {"indicator": world["ind_a"].pk, "period": "2025-03-01", "value": "99"},
    )
    measurement.refresh_from_db()
    assert measurement.value == Decimal("11")
    assert response.status_code == 200  # the form says the month already has a value


# ---- a cycle taken off the site and published again -------------------------------------------


def cycle_form(cycle, **changes):
    data = {
        "year": cycle.year,
        "name": cycle.name,
        "start_date": cycle.start_date.isoformat(),
        "end_date": cycle.end_date.isoformat(),
        "weight_goals": "60",
        "weight_satisfaction": "20",
        "weight_qualitative": "20",
        "grade_bands": '[{"grade": "优秀", "min_score": 90}, {"grade": "合格", "min_score": 0}]',
        "green_threshold": "0.90",
        "yellow_threshold": "0.70",
        "published": "on" if cycle.published else "",
        "closed": "",
        "publication_reason": "",
    }
    return {key: value for key, value in (data | changes).items() if value != ""}


def indicator_form(indicator, **changes):
    data = {
        "goal": indicator.goal_id,
        "code": indicator.code,
        "name": indicator.name,
        "dimension": indicator.dimension,
        "direction": indicator.direction,
        "unit": indicator.unit,
        "baseline": str(indicator.baseline),
        "target": str(indicator.target),
        "weight": str(indicator.weight),
        "frequency": indicator.frequency,
        "data_source": indicator.data_source,
        "sort_order": 0,
    }
    return data | changes


def test_unpublishing_a_cycle_needs_a_reason(client, world):
    cycle = world["cycle"]
    client.force_login(world["city_admin"])
    response = client.post(url("portal_cycle", "edit", cycle), cycle_form(cycle, published=""))
    assert response.status_code == 200
    assert Cycle.objects.get(pk=cycle.pk).published


def test_unpublish_edit_republish_keeps_the_terms_locked_and_says_so_publicly(client, world):
    ensure_default_site()
    cycle, indicator = world["cycle"], world["ind_a"]
    client.force_login(world["city_admin"])
    response = client.post(
        url("portal_cycle", "edit", cycle),
        cycle_form(cycle, published="", publication_reason="数据复核"),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert not cycle.published

    # While it is off the site, its terms still change only through an adjustment ...
    for user in ("editor", "city_admin"):
        client.force_login(world[user])
        response = client.post(
            url("portal_indicator", "edit", indicator), indicator_form(indicator, target="30")
        )
        assert response.status_code == 200, user
    indicator.refresh_from_db()
    assert indicator.target != Decimal("30")
    # ... and its figures are not deleted quietly.
    client.force_login(world["editor"])
    client.post(url("portal_measurement", "delete", world["meas_a"]))
    assert Measurement.objects.filter(pk=world["meas_a"].pk).exists()

    client.force_login(world["city_admin"])
    response = client.post(url("portal_cycle", "edit", cycle), cycle_form(cycle, published="on"))
    assert response.status_code == 302
    client.logout()
    for path in ("/?year=2025", indicator.get_absolute_url(), world["goal_a"].get_absolute_url()):
        status, content = page(client, path)
        assert status == 200, path
        assert "was taken off the site on" in content, path
        assert "数据复核" in content, path
