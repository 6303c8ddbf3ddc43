"""An editor's forms offer only open cycles, and a goal's parent and co-departments only what
the editor may link to; a crafted POST is refused by the server, not only hidden.

``world`` (tests/conftest.py): departments A and B, an editor of A, a city administrator.
"""

import io

import pytest
from django.core.management import call_command

from portal.factories import CycleFactory, GoalFactory, IndicatorFactory
from portal.importing import import_measurements
from portal.models import Goal, Indicator
from tests.builders import url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _admin_in_english(client):
    """The wording asserted here is the English msgids': the admin in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def goal_data(world, **changes):
    data = {
        "cycle": world["cycle"].pk,
        "code": "2025-99",
        "title": "新目标",
        "level": Goal.Level.TASK,
        "owner": world["dept_a"].pk,
        "sort_order": 0,
    }
    return data | changes


def test_an_editor_is_offered_only_open_cycles_and_linkable_goals(client, world):
    closed = CycleFactory(year=2024, closed=True)
    city_goal = GoalFactory(cycle=world["cycle"], owner=world["dept_b"], level=Goal.Level.CITY)
    client.force_login(world["editor"])
    form = client.get(url("portal_goal", "add")).context["form"]
    assert closed not in form.fields["cycle"].queryset
    parents = set(form.fields["parent"].queryset)
    assert {world["goal_a"], city_goal} <= parents
    assert world["goal_b"] not in parents
    assert list(form.fields["co_departments"].queryset) == [world["dept_a"]]


def test_a_goal_cannot_be_hung_under_another_departments_goal(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_goal", "add"), goal_data(world, parent=world["goal_b"].pk))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Goal.objects.filter(code="2025-99").exists()


def test_a_goal_cannot_name_another_department_as_co_department(client, world):
    client.force_login(world["editor"])
    response = client.post(
        url("portal_goal", "add"), goal_data(world, co_departments=[world["dept_b"].pk])
    )
    assert response.status_code == 200
    assert "co_departments" in response.context["form"].errors
    assert not Goal.objects.filter(code="2025-99").exists()


def test_a_closed_cycle_is_refused_to_editors_but_not_to_city_administrators(client, world):
    closed = CycleFactory(year=2024, closed=True)
    client.force_login(world["editor"])
    response = client.post(url("portal_goal", "add"), goal_data(world, cycle=closed.pk))
    assert "cycle" in response.context["form"].errors
    client.force_login(world["city_admin"])
    response = client.post(url("portal_goal", "add"), goal_data(world, cycle=closed.pk))
    assert response.status_code == 302


def test_indicators_of_closed_cycles_are_not_offered_to_editors(client, world):
    closed_goal = GoalFactory(cycle=CycleFactory(year=2024, closed=True), owner=world["dept_a"])
    client.force_login(world["editor"])
    form = client.get(url("portal_indicator", "add")).context["form"]
    assert closed_goal not in form.fields["goal"].queryset
    form = client.get(url("portal_measurement", "add")).context["form"]
    assert world["ind_a"] in form.fields["indicator"].queryset


# ---- indicator codes ---------------------------------------------------------------------------


def indicator_data(goal, code):
    return {
        "goal": goal.pk,
        "code": code,
        "name": "新指标",
        "dimension": "output",
        "direction": "higher",
        "unit": "%",
        "baseline": "0",
        "target": "100",
        "weight": "1",
        "frequency": "monthly",
        "data_source": "manual",
        "sort_order": 0,
    }


@pytest.mark.parametrize("code", ["A/01", 'A"01', "A 01", "-A01", "A_01", "A.01"])
@pytest.mark.parametrize("user_key", ["editor", "city_admin"])
def test_the_admin_refuses_a_code_other_than_letters_digits_and_hyphens(
    client, world, code, user_key
):
    client.force_login(world[user_key])
    response = client.post(url("portal_indicator", "add"), indicator_data(world["goal_a"], code))
    assert response.status_code == 200
    assert "letters, digits and hyphens" in response.context["form"].errors["code"][0]
    assert not Indicator.objects.filter(code=code).exists()


def test_the_admin_accepts_a_code_of_letters_digits_and_hyphens(client, world):
    client.force_login(world["editor"])
    response = client.post(
        url("portal_indicator", "add"), indicator_data(world["goal_a"], "2025-01-03")
    )
    assert response.status_code == 302


def test_the_import_refuses_a_code_with_a_slash(world):
    data = io.BytesIO(b"indicator_code,period,value\nA/01,2025-04,5\n")
    result = import_measurements(data, "values.csv", user=world["city_admin"])
    assert not result.ok
    [issue] = result.errors
    assert issue.row == 2
    assert "letters, digits and hyphens" in issue.message


def test_a_stored_bad_code_is_reported_by_the_database_check(world):
    # Written before the rule existed (factories do not validate).
    IndicatorFactory(goal=world["goal_a"], code="OLD/01")
    out = io.StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=out, fail_level="ERROR")
    assert "portal.W001" in out.getvalue()
    assert "OLD/01" in out.getvalue()
