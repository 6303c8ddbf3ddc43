"""Department editors see and change only their own department's data in the admin.

``world`` (two departments, an editor of the first, a city administrator) is the fixture of
tests/conftest.py.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.factories import DepartmentEditorFactory, UserFactory
from portal.models import Goal, Indicator, Measurement
from portal.permissions import POLICIES
from tests.builders import editor_group, group_with, refused, url

# ---- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "namespace, own, other",
    [
        ("portal_goal", "数据共享", "公交准点"),
        ("portal_indicator", "数据开放率", "公交准点率"),
        ("portal_measurement", "A-01", "B-01"),
    ],
)
def test_editor_lists_only_their_department(client, world, namespace, own, other):
    client.force_login(world["editor"])
    response = client.get(url(namespace, "index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert own in content
    assert other not in content


@pytest.mark.parametrize(
    "namespace, own, other",
    [
        ("portal_goal", "数据共享", "公交准点"),
        ("portal_indicator", "数据开放率", "公交准点率"),
        ("portal_measurement", "A-01", "B-01"),
        ("portal_review", "市交通局", None),
    ],
)
def test_city_admin_lists_every_department(client, world, namespace, own, other):
    client.force_login(world["city_admin"])
    content = client.get(url(namespace, "index")).content.decode()
    assert own in content
    if other:
        assert other in content


# ---- another department's objects through direct URLs ---------------------------------------


@pytest.mark.parametrize(
    "namespace, key", [("portal_goal", "goal_b"), ("portal_indicator", "ind_b")]
)
@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "usage"])
def test_other_departments_objects_cannot_be_opened(client, world, namespace, key, view):
    client.force_login(world["editor"])
    assert refused(client.get(url(namespace, view, world[key])))


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history"])
def test_other_departments_measurement_cannot_be_opened(client, world, view):
    client.force_login(world["editor"])
    assert refused(client.get(url("portal_measurement", view, world["meas_b"])))


def test_posting_an_edit_of_another_departments_goal_changes_nothing(client, world):
    goal = world["goal_b"]
    client.force_login(world["editor"])
    response = client.post(
        url("portal_goal", "edit", goal),
        {
            "cycle": world["cycle"].pk,
            "code": goal.code,
            "title": "篡改",
            "level": Goal.Level.DEPARTMENT,
            "owner": world["dept_a"].pk,
            "sort_order": 0,
        },
    )
    assert refused(response)
    goal.refresh_from_db()
    assert goal.title == "公交准点"
    assert goal.owner == world["dept_b"]


def test_posting_a_correction_of_another_departments_measurement_changes_nothing(client, world):
    measurement = world["meas_b"]
    client.force_login(world["editor"])
    response = client.post(
        url("portal_measurement", "edit", measurement),
        {"value": "99", "reason": "试图篡改", "note": "", "source": ""},
    )
    assert refused(response)
    measurement.refresh_from_db()
    assert measurement.value == Decimal("22")
    assert not measurement.corrections.exists()


@pytest.mark.parametrize(
    "namespace, key, model",
    [
        ("portal_goal", "goal_b", Goal),
        ("portal_indicator", "ind_b", Indicator),
        ("portal_measurement", "meas_b", Measurement),
    ],
)
def test_posting_a_delete_of_another_departments_object_deletes_nothing(
    client, world, namespace, key, model
):
    client.force_login(world["editor"])
    assert refused(client.post(url(namespace, "delete", world[key])))
    assert model.objects.filter(pk=world[key].pk).exists()


# ---- creating objects that would belong to another department --------------------------------


def goal_data(world, owner, code="2025-99"):
    return {
        "cycle": world["cycle"].pk,
        "code": code,
        "title": "新目标",
        "level": Goal.Level.DEPARTMENT,
        "owner": owner.pk,
        "sort_order": 0,
    }


def indicator_data(goal, code="X-99"):
    return {
        "goal": goal.pk,
        "code": code,
        "name": "新指标",
        "dimension": Indicator.Dimension.OUTPUT,
        "direction": Indicator.Direction.HIGHER,
        "unit": "%",
        "baseline": "0",
        "target": "100",
        "weight": "1",
        "frequency": Indicator.Frequency.MONTHLY,
        "data_source": Indicator.DataSource.MANUAL,
        "sort_order": 0,
    }


def measurement_data(indicator, period="2025-04-01", value="5"):
    return {"indicator": indicator.pk, "period": period, "value": value, "note": "", "source": ""}


def test_editor_cannot_create_a_goal_for_another_department(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_goal", "add"), goal_data(world, world["dept_b"]))
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Goal.objects.filter(code="2025-99").exists()


def test_editor_cannot_create_an_indicator_under_another_departments_goal(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_indicator", "add"), indicator_data(world["goal_b"]))
    assert response.status_code == 200
    assert "goal" in response.context["form"].errors
    assert not Indicator.objects.filter(code="X-99").exists()


def test_editor_cannot_record_a_value_of_another_departments_indicator(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_measurement", "add"), measurement_data(world["ind_b"]))
    assert response.status_code == 200
    assert "indicator" in response.context["form"].errors
    assert not Measurement.objects.filter(indicator=world["ind_b"], period="2025-04-01").exists()


def test_editor_cannot_move_their_goal_to_another_department(client, world):
    goal = world["goal_a"]
    client.force_login(world["editor"])
    response = client.post(
        url("portal_goal", "edit", goal), goal_data(world, world["dept_b"], code=goal.code)
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    goal.refresh_from_db()
    assert goal.owner == world["dept_a"]


def test_editor_form_offers_only_their_departments(client, world):
    client.force_login(world["editor"])
    form = client.get(url("portal_indicator", "add")).context["form"]
    assert list(form.fields["goal"].queryset) == [world["goal_a"]]
    form = client.get(url("portal_goal", "add")).context["form"]
    assert list(form.fields["owner"].queryset) == [world["dept_a"]]
    # With a single department the editor does not even have to pick it.
    assert form.initial["owner"] == world["dept_a"].pk


def test_editor_creates_within_their_department(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_goal", "add"), goal_data(world, world["dept_a"]))
    assert response.status_code == 302
    assert Goal.objects.get(code="2025-99").owner == world["dept_a"]


def test_city_admin_creates_for_any_department(client, world):
    client.force_login(world["city_admin"])
    response = client.post(url("portal_indicator", "add"), indicator_data(world["goal_b"]))
    assert response.status_code == 302
    assert Indicator.objects.get(code="X-99").goal == world["goal_b"]


def test_city_admin_edits_another_departments_goal(client, world):
    goal = world["goal_b"]
    client.force_login(world["city_admin"])
    data = goal_data(world, world["dept_b"], code=goal.code) | {"title": "公交准点率提升"}
    assert client.post(url("portal_goal", "edit", goal), data).status_code == 302
    goal.refresh_from_db()
    assert goal.title == "公交准点率提升"


# ---- city-level data --------------------------------------------------------------------------


@pytest.mark.parametrize("namespace", ["portal_cycle", "portal_review", "portal_department_editor"])
def test_city_level_screens_are_closed_to_department_editors(client, world, namespace):
    client.force_login(world["editor"])
    assert refused(client.get(url(namespace, "index")))
    assert refused(client.get(url(namespace, "add")))


def test_editor_cannot_edit_a_review_or_give_themselves_a_department(client, world):
    client.force_login(world["editor"])
    assert refused(client.get(url("portal_review", "edit", world["review_b"])))
    response = client.post(
        url("portal_department_editor", "add"),
        {"user": world["editor"].pk, "department": world["dept_b"].pk},
    )
    assert refused(response)
    assert not world["editor"].department_links.filter(department=world["dept_b"]).exists()


def test_editor_sees_their_own_department_but_cannot_change_it(client, world):
    client.force_login(world["editor"])
    content = client.get(url("portal_department", "index")).content.decode()
    assert "市数据局" in content
    assert "市交通局" not in content
    assert client.get(url("portal_department", "inspect", world["dept_a"])).status_code == 200
    assert refused(client.get(url("portal_department", "inspect", world["dept_b"])))
    assert refused(client.get(url("portal_department", "edit", world["dept_a"])))


def test_the_menu_hides_city_level_screens_from_editors(client, world):
    client.force_login(world["editor"])
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("portal_goal", "index") in content
    assert url("portal_department_editor", "index") not in content
    client.force_login(world["city_admin"])
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("portal_department_editor", "index") in content


# ---- the policies themselves ------------------------------------------------------------------


def test_policies_scope_instances(world):
    editor = world["editor"]
    goals = POLICIES[Goal].instances_user_has_permission_for(editor, "change")
    assert list(goals) == [world["goal_a"]]
    measurements = POLICIES[Measurement].instances_user_has_permission_for(editor, "delete")
    assert list(measurements) == [world["meas_a"]]
    policy = POLICIES[Indicator]
    assert policy.user_has_permission_for_instance(editor, "change", world["ind_a"])
    assert not policy.user_has_permission_for_instance(editor, "change", world["ind_b"])
    assert policy.user_has_permission_for_instance(world["city_admin"], "change", world["ind_b"])


def test_an_editor_without_a_department_link_gets_nothing(world):
    stranger = UserFactory(username="no-department")
    stranger.groups.add(editor_group())
    policy = POLICIES[Goal]
    assert not policy.user_has_permission(stranger, "add")
    assert not policy.instances_user_has_any_permission_for(stranger, ["view", "change"]).exists()


def test_group_permissions_still_decide_the_action(world):
    """A department link alone gives no rights: the group decides what may be done."""
    viewer = UserFactory(username="viewer")
    viewer.groups.add(group_with("只读", ["view_goal"]))
    DepartmentEditorFactory(user=viewer, department=world["dept_a"])
    policy = POLICIES[Goal]
    assert policy.user_has_permission_for_instance(viewer, "view", world["goal_a"])
    assert not policy.user_has_permission_for_instance(viewer, "change", world["goal_a"])
    assert not policy.user_has_permission_for_instance(viewer, "view", world["goal_b"])
