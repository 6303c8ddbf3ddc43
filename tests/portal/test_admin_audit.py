"""Every admin change is in Wagtail's audit log; measurement corrections keep their history."""

import datetime
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    QualitativeReviewFactory,
    UserFactory,
)
from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
)


def logs(instance_or_pk, model, action):
    pk = getattr(instance_or_pk, "pk", instance_or_pk)
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk), action=action
    )


# For each model: (namespace, build an object, form data for it, a field changed on edit).
def department_case(world):
    dept = DepartmentFactory(name="市审计局", slug="audit-bureau")
    data = {
        "name": "市审计局",
        "short_name": "审计局",
        "name_en": "Audit Bureau",
        "slug": "audit-bureau",
        "category": Department.Category.GENERAL,
        "description": "",
        "contact_phone": "",
        "contact_email": "",
        "address": "",
        "active": "on",
        "sort_order": 5,
    }
    return dept, data, ("short_name", "审计")


def cycle_case(world):
    cycle = CycleFactory(year=2031)
    data = {
        "year": 2031,
        "name": "2031年度目标绩效考核",
        "start_date": "2031-01-01",
        "end_date": "2031-12-31",
        "weight_goals": "60",
        "weight_satisfaction": "20",
        "weight_qualitative": "20",
        "grade_bands": json.dumps([{"grade": "优秀", "min_score": 90}]),
        "green_threshold": "0.9",
        "yellow_threshold": "0.7",
        "published": "on",
    }
    return cycle, data, ("name", "2031年度考核")


def goal_case(world):
    goal = GoalFactory(cycle=world["cycle"], owner=world["dept_b"], code="2025-77", title="旧标题")
    data = {
        "cycle": world["cycle"].pk,
        "code": "2025-77",
        "title": "旧标题",
        "level": Goal.Level.DEPARTMENT,
        "owner": world["dept_b"].pk,
        "sort_order": 0,
    }
    return goal, data, ("title", "新标题")


def indicator_case(world):
    indicator = IndicatorFactory(goal=world["goal_b"], code="B-77", name="旧指标")
    data = {
        "goal": world["goal_b"].pk,
        "code": "B-77",
        "name": "旧指标",
        "dimension": Indicator.Dimension.QUALITY,
        "direction": Indicator.Direction.HIGHER,
        "unit": "%",
        "baseline": "0",
        "target": "100",
        "weight": "2",
        "frequency": Indicator.Frequency.MONTHLY,
        "data_source": Indicator.DataSource.MANUAL,
        "sort_order": 0,
    }
    return indicator, data, ("name", "新指标")


def review_case(world):
    review = QualitativeReviewFactory(department=world["dept_a"], cycle=world["cycle"], score=80)
    data = {"department": world["dept_a"].pk, "cycle": world["cycle"].pk, "score": "80"}
    return review, data, ("score", "90")


def department_editor_case(world):
    link = DepartmentEditorFactory(
        user=UserFactory(username="new-editor"), department=world["dept_b"]
    )
    data = {"user": link.user.pk, "department": world["dept_b"].pk}
    return link, data, ("department", world["dept_a"].pk)


CASES = [
    ("portal_department", Department, department_case),
    ("portal_cycle", Cycle, cycle_case),
    ("portal_goal", Goal, goal_case),
    ("portal_indicator", Indicator, indicator_case),
    ("portal_review", QualitativeReview, review_case),
    ("portal_department_editor", DepartmentEditor, department_editor_case),
]


@pytest.mark.parametrize("namespace, model, case", CASES)
def test_create_edit_delete_are_logged_with_the_user(client, world, namespace, model, case):
    admin = world["city_admin"]
    client.force_login(admin)
    obj, data, (field, new_value) = case(world)
    # Create: remove the built object first so the same data can be posted as new.
    obj.delete()
    response = client.post(reverse(f"{namespace}:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    created = model.objects.latest("pk")
    assert logs(created, model, "wagtail.create").filter(user=admin).count() == 1

    response = client.post(
        reverse(f"{namespace}:edit", args=[created.pk]), data | {field: new_value}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert logs(created, model, "wagtail.edit").filter(user=admin).count() == 1

    created.refresh_from_db()
    # An indicator of a published cycle is withdrawn with a reason (portal.withdrawals); the
    # other models' delete forms ignore it.
    response = client.post(
        reverse(f"{namespace}:delete", args=[created.pk]), {"reason": "重复录入"}
    )
    assert response.status_code == 302
    assert not model.objects.filter(pk=created.pk).exists()
    deleted = logs(created.pk, model, "wagtail.delete").get()
    assert deleted.user == admin
    assert deleted.label == str(created)


def test_editor_changes_are_logged_with_the_editor(client, world):
    editor = world["editor"]
    client.force_login(editor)
    goal = world["goal_a"]
    data = {
        "cycle": goal.cycle_id,
        "code": goal.code,
        "title": "数据共享开放",
        "level": goal.level,
        "owner": goal.owner_id,
        "sort_order": 0,
    }
    assert client.post(reverse("portal_goal:edit", args=[goal.pk]), data).status_code == 302
    assert logs(goal, Goal, "wagtail.edit").get().user == editor


# ---- measurements -------------------------------------------------------------------------


def edit_measurement(client, measurement, **changes):
    data = {"value": str(measurement.value), "note": measurement.note, "source": measurement.source}
    return client.post(reverse("portal_measurement:edit", args=[measurement.pk]), data | changes)


def test_creating_a_measurement_in_the_admin_is_logged_once(client, world):
    client.force_login(world["editor"])
    response = client.post(
        reverse("portal_measurement:add"),
        {
            "indicator": world["ind_a"].pk,
            "period": "2025-04-17",
            "value": "12.5",
            "note": "",
            "source": "月报",
        },
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get(
        indicator=world["ind_a"], period=datetime.date(2025, 4, 1)
    )
    assert measurement.value == Decimal("12.5")
    assert measurement.entered_by == world["editor"]
    assert (
        ModelLogEntry.objects.filter(
            object_id=str(measurement.pk), content_type__model="measurement"
        ).count()
        == 1
    )
    assert logs(measurement, Measurement, "wagtail.create").get().user == world["editor"]


def test_a_second_value_for_the_same_month_is_refused_not_silently_corrected(client, world):
    client.force_login(world["editor"])
    existing = world["meas_a"]
    response = client.post(
        reverse("portal_measurement:add"),
        {
            "indicator": world["ind_a"].pk,
            "period": "2025-03-20",
            "value": "99",
            "note": "",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    existing.refresh_from_db()
    assert existing.value == Decimal("11")
    assert not existing.corrections.exists()


def test_correcting_a_value_keeps_the_old_one_with_reason_and_logs_once(client, world):
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    response = edit_measurement(client, measurement, value="13", reason="统计口径调整")
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == Decimal("13")
    correction = MeasurementCorrection.objects.get(measurement=measurement)
    assert (correction.old_value, correction.new_value) == (Decimal("11"), Decimal("13"))
    assert correction.reason == "统计口径调整"
    assert correction.corrected_by == world["editor"]
    edits = ModelLogEntry.objects.filter(
        object_id=str(measurement.pk), content_type__model="measurement"
    )
    assert edits.count() == 1
    entry = edits.get()
    assert (entry.action, entry.user) == ("wagtail.edit", world["editor"])
    assert entry.data["reason"] == "统计口径调整"


def test_clearing_a_note_or_source_in_the_admin_clears_it(client, world):
    measurement = world["meas_a"]
    Measurement.objects.filter(pk=measurement.pk).update(note="初报数", source="月报")
    measurement.refresh_from_db()
    client.force_login(world["editor"])
    assert edit_measurement(client, measurement, note="", source="").status_code == 302
    measurement.refresh_from_db()
    assert (measurement.note, measurement.source) == ("", "")
    assert measurement.value == Decimal("11")  # the figure itself is untouched
    assert not measurement.corrections.exists()


def test_a_correction_without_a_reason_is_refused(client, world):
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    response = edit_measurement(client, measurement, value="13", reason="  ")
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    measurement.refresh_from_db()
    assert measurement.value == Decimal("11")
    assert not MeasurementCorrection.objects.exists()
    assert not ModelLogEntry.objects.filter(content_type__model="measurement").exists()


def test_a_correction_cannot_move_the_value_to_another_indicator_or_month(client, world):
    measurement = world["meas_a"]
    client.force_login(world["city_admin"])
    edit_measurement(
        client,
        measurement,
        value="14",
        reason="更正",
        indicator=world["ind_b"].pk,
        period="2025-09-01",
    )
    measurement.refresh_from_db()
    assert (measurement.indicator, measurement.period) == (
        world["ind_a"],
        datetime.date(2025, 3, 1),
    )
    assert measurement.value == Decimal("14")


def test_deleting_a_measurement_is_logged(client, world):
    # A published figure: only a city administrator deletes it, with a reason
    # (tests/portal/test_withdrawals.py).
    measurement = world["meas_a"]
    client.force_login(world["city_admin"])
    response = client.post(
        reverse("portal_measurement:delete", args=[measurement.pk]), {"reason": "重复填报"}
    )
    assert response.status_code == 302
    assert logs(measurement, Measurement, "wagtail.delete").get().user == world["city_admin"]


def test_the_edit_screen_shows_the_correction_history(client, world):
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    edit_measurement(client, measurement, value="13", reason="统计口径调整")
    for view in ("edit", "inspect"):
        content = client.get(
            reverse(f"portal_measurement:{view}", args=[measurement.pk])
        ).content.decode()
        assert "统计口径调整" in content
        assert "11" in content


# ---- recomputation --------------------------------------------------------------------------


def test_saving_recomputes_the_affected_cycle_once_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["editor"])
    with mock.patch("portal.evaluation.recompute_cycle") as recompute:
        with django_capture_on_commit_callbacks(execute=True):
            edit_measurement(client, world["meas_a"], value="15", reason="补报")
    recompute.assert_called_once_with(world["cycle"])


def test_moving_a_goal_to_another_cycle_recomputes_both(
    client, world, django_capture_on_commit_callbacks
):
    other_cycle = CycleFactory(year=2026)
    goal = world["goal_a"]
    client.force_login(world["editor"])
    data = {
        "cycle": other_cycle.pk,
        "code": goal.code,
        "title": goal.title,
        "level": goal.level,
        "owner": goal.owner_id,
        "sort_order": 0,
    }
    with mock.patch("portal.evaluation.recompute_cycle") as recompute:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal_goal:edit", args=[goal.pk]), data)
    assert {call.args[0] for call in recompute.call_args_list} == {world["cycle"], other_cycle}
    assert recompute.call_count == 2


def test_deleting_an_indicator_recomputes_its_cycle(
    client, world, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(goal=world["goal_a"], code="A-09")
    MeasurementFactory(indicator=indicator)
    client.force_login(world["city_admin"])  # a published cycle's: withdrawn with a reason
    with mock.patch("portal.evaluation.recompute_cycle") as recompute:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal_indicator:delete", args=[indicator.pk]), {"reason": "重复"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    recompute.assert_called_once_with(world["cycle"])


# ---- the audit log screens ------------------------------------------------------------------


def test_site_history_and_object_history_show_admin_changes(client, world):
    measurement = world["meas_a"]
    client.force_login(world["editor"])
    edit_measurement(client, measurement, value="13", reason="统计口径调整")
    goal = world["goal_a"]
    client.post(
        reverse("portal_goal:edit", args=[goal.pk]),
        {
            "cycle": goal.cycle_id,
            "code": goal.code,
            "title": "数据共享开放",
            "level": goal.level,
            "owner": goal.owner_id,
            "sort_order": 0,
        },
    )
    client.force_login(world["city_admin"])
    content = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "A-01 2025-03" in content
    assert "数据共享开放" in content
    client.force_login(world["editor"])
    content = client.get(
        reverse("portal_measurement:history", args=[measurement.pk])
    ).content.decode()
    assert "data-editor" in content
