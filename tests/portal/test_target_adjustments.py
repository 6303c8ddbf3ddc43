"""Targets cannot move quietly: after a cycle is published, an indicator's target, baseline,
weight and direction change only through a target adjustment that a department requests with
a reason and a city administrator approves; the adjustment is public and the scores say which
target they used.

``world`` (tests/conftest.py): departments A and B in the published 2025 cycle, an editor of A
and a city administrator.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import pandas as pd
import pytest
from wagtail.models import ModelLogEntry

from portal.actions import record_measurement
from portal.evaluation import recompute_cycle
from portal.models import Evaluation, Indicator, TargetAdjustment
from tests.builders import EN, refused, url

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _admin_in_english(client):
    """The wording asserted here is the English msgids': the admin in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


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


def request_data(indicator, value="30", month="2025-03-01", reason="上级下达任务调整"):
    return {
        "indicator": indicator.pk,
        "field": "target",
        "new_value": value,
        "effective_from": month,
        "reason": reason,
    }


def figures(indicator, values):
    for month, value in values.items():
        record_measurement(indicator, datetime.date(2025, month, 1), Decimal(value))


# ---- the edit form refuses a quiet change ---------------------------------------------------


@pytest.mark.parametrize("user_key", ["editor", "city_admin"])
@pytest.mark.parametrize(
    "field, value", [("target", "30"), ("baseline", "5"), ("weight", "9"), ("direction", "lower")]
)
def test_a_published_indicators_terms_cannot_be_edited_directly(
    client, world, user_key, field, value
):
    indicator = world["ind_a"]
    client.force_login(world[user_key])
    response = client.post(
        url("portal_indicator", "edit", indicator), indicator_form(indicator, **{field: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert "target adjustment" in errors[0]
    stored = Indicator.objects.get(pk=indicator.pk)
    assert getattr(stored, field) == getattr(indicator, field)


def test_other_fields_of_a_published_indicator_stay_editable(client, world):
    indicator = world["ind_a"]
    client.force_login(world["editor"])
    response = client.post(
        url("portal_indicator", "edit", indicator),
        indicator_form(indicator, name="数据开放率（新）"),
    )
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).name == "数据开放率（新）"


def test_an_unpublished_cycles_target_is_edited_directly(client, world):
    indicator = world["ind_a"]
    world["cycle"].published = False
    world["cycle"].save()
    client.force_login(world["editor"])
    response = client.post(
        url("portal_indicator", "edit", indicator), indicator_form(indicator, target="80")
    )
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("80")


# ---- request, approve, reject ------------------------------------------------------------------


def test_an_editor_requests_an_adjustment_and_nothing_changes_yet(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_adjustment", "add"), request_data(world["ind_a"]))
    assert response.status_code == 302
    adjustment = TargetAdjustment.objects.get()
    assert (adjustment.old_value, adjustment.new_value) == ("100", "30")
    assert adjustment.state == TargetAdjustment.State.REQUESTED
    assert adjustment.requested_by == world["editor"]
    assert Indicator.objects.get(pk=world["ind_a"].pk).target == Decimal("100")


def test_a_request_needs_a_reason_and_a_month_in_the_cycle(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_adjustment", "add"), request_data(world["ind_a"], reason=""))
    assert "reason" in response.context["form"].errors
    response = client.post(
        url("portal_adjustment", "add"), request_data(world["ind_a"], month="2027-01-01")
    )
    assert response.status_code == 200
    assert "within the indicator's cycle" in " ".join(response.context["form"].non_field_errors())
    assert not TargetAdjustment.objects.exists()


def test_an_editor_cannot_request_for_another_department(client, world):
    client.force_login(world["editor"])
    response = client.post(url("portal_adjustment", "add"), request_data(world["ind_b"]))
    assert "indicator" in response.context["form"].errors
    assert not TargetAdjustment.objects.exists()


def test_an_editor_cannot_approve_their_own_request(client, world):
    client.force_login(world["editor"])
    client.post(url("portal_adjustment", "add"), request_data(world["ind_a"]))
    adjustment = TargetAdjustment.objects.get()
    assert refused(client.get(url("portal_adjustment", "edit", adjustment)))
    assert refused(
        client.post(url("portal_adjustment", "edit", adjustment), {"decision": "approve"})
    )
    assert refused(client.post(url("portal_adjustment", "delete", adjustment)))
    adjustment.refresh_from_db()
    assert adjustment.state == TargetAdjustment.State.REQUESTED
    assert Indicator.objects.get(pk=world["ind_a"].pk).target == Decimal("100")


def test_a_city_administrator_approves_and_the_change_applies_from_its_month(
    client, world, django_capture_on_commit_callbacks
):
    indicator = world["ind_a"]
    figures(indicator, {1: "5", 2: "10", 3: "15"})
    recompute_cycle(world["cycle"])
    assert Indicator.objects.get(pk=indicator.pk).status == "red"  # 15 of 100 by March

    client.force_login(world["editor"])
    client.post(url("portal_adjustment", "add"), request_data(indicator, value="30"))
    adjustment = TargetAdjustment.objects.get()
    client.force_login(world["city_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("portal_adjustment", "edit", adjustment), {"decision": "approve"}
        )
    assert response.status_code == 302

    adjustment.refresh_from_db()
    assert adjustment.state == TargetAdjustment.State.APPROVED
    assert adjustment.decided_by == world["city_admin"]
    stored = Indicator.objects.get(pk=indicator.pk)
    assert stored.target == Decimal("30")
    # Recomputed through the task: 15 of 30 by March is on track.
    assert stored.status == "green"
    # The months before the effective month keep the original target; March uses the new one.
    evaluations = {
        e.period.month: e
        for e in Evaluation.objects.filter(cycle=world["cycle"], department=world["dept_a"])
    }
    item = lambda e: e.breakdown["parts"]["goals"]["dimensions"]["output"]["indicators"][0]  # noqa: E731
    assert (item(evaluations[2])["target"], item(evaluations[2])["target_adjusted"]) == (
        100.0,
        False,
    )
    assert item(evaluations[3])["target"] == 30.0
    assert item(evaluations[3])["target_adjusted"] is True
    assert item(evaluations[3])["original_target"] == 100.0
    # In the audit log, on the request and on the indicator.
    actions = set(ModelLogEntry.objects.for_instance(adjustment).values_list("action", flat=True))
    assert "portal.adjustment.approve" in actions
    entry = ModelLogEntry.objects.for_instance(stored).get(action="wagtail.edit")
    assert entry.data["new_value"] == "30"


def test_a_rejected_request_changes_nothing(client, world):
    client.force_login(world["editor"])
    client.post(url("portal_adjustment", "add"), request_data(world["ind_a"]))
    adjustment = TargetAdjustment.objects.get()
    client.force_login(world["city_admin"])
    client.post(url("portal_adjustment", "edit", adjustment), {"decision": "reject"})
    adjustment.refresh_from_db()
    assert adjustment.state == TargetAdjustment.State.REJECTED
    assert Indicator.objects.get(pk=world["ind_a"].pk).target == Decimal("100")
    # Decided once: a second decision is refused with a message.
    response = client.post(url("portal_adjustment", "edit", adjustment), {"decision": "approve"})
    assert response.status_code == 200
    assert "already been decided" in " ".join(response.context["form"].non_field_errors())
    assert Indicator.objects.get(pk=world["ind_a"].pk).target == Decimal("100")


# ---- public: the indicator page, its downloads and the department's breakdown -----------------


@pytest.fixture
def adjusted(client, world, wagtail_site, django_capture_on_commit_callbacks):
    indicator = world["ind_a"]
    figures(indicator, {1: "5", 2: "10", 3: "15"})
    client.force_login(world["editor"])
    client.post(url("portal_adjustment", "add"), request_data(indicator, reason="任务量调整"))
    client.force_login(world["city_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("portal_adjustment", "edit", TargetAdjustment.objects.get()),
            {"decision": "approve"},
        )
    client.logout()
    return Indicator.objects.get(pk=indicator.pk)


def test_the_indicator_page_shows_the_adjustment_beside_the_original(client, adjusted):
    content = client.get(adjusted.get_absolute_url(), **EN).content.decode()
    assert "Target adjustments" in content
    assert "任务量调整" in content
    assert "Adjusted: see the target adjustments below" in content


def test_the_downloads_carry_the_original_and_adjusted_target(client, adjusted):
    base = f"/indicators/{adjusted.code}/data"
    payload = json.loads(client.get(f"{base}.json", **EN).content)
    assert payload["original_target"] == 100.0
    assert payload["target"] == 30.0
    [entry] = payload["adjustments"]
    assert (entry["original"], entry["adjusted"], entry["effective_from"]) == (
        "100",
        "30",
        "2025-03",
    )
    assert entry["reason"] == "任务量调整"
    assert entry["approved_on"]

    header, *rows = list(
        csv.reader(io.StringIO(client.get(f"{base}.csv", **EN).content.decode("utf-8-sig")))
    )
    assert header[-2:] == ["Target in force (%)", "Target adjustment"]
    assert (float(rows[1][-2]), rows[1][-1]) == (100, "")  # February: the original target
    assert float(rows[2][-2]) == 30
    assert "100 → 30" in rows[2][-1] and "任务量调整" in rows[2][-1]

    sheets = pd.read_excel(io.BytesIO(client.get(f"{base}.xlsx", **EN).content), sheet_name=None)
    assert sheets["adjustments"]["Reason"].tolist() == ["任务量调整"]


def test_the_department_breakdown_names_the_adjusted_target(client, world, adjusted):
    content = client.get(world["dept_a"].get_absolute_url() + "?year=2025", **EN).content.decode()
    assert "adjusted target; original 100" in content
