"""The two long lists' statements written by hand (api/rows.py) read what the ORM reads: the
same rows, values and types, in the same order, under every filter the lists take."""

import datetime

import pytest

from api import rows
from portal.models import Indicator, Measurement

MEASUREMENT_KEYS = (
    "id",
    "period",
    "value",
    "note",
    "source",
    "updated_at",
    "indicator__code",
    "indicator__name",
    "indicator__dimension",
    "indicator__unit",
    "indicator__source_description",
    "indicator__status",
    "indicator__goal__cycle_id",
    "indicator__goal__owner_id",
)


def orm_measurements(**lookups) -> list[dict]:
    return list(Measurement.objects.filter(**lookups).order_by("id").values(*MEASUREMENT_KEYS))


def hand_measurements(**lookups) -> rows.HandRows:
    return rows.HandRows(Measurement, rows.measurements(), lookups)


def test_measurements_equal_the_orms_under_each_filter(api_world):
    cycle, department = api_world["cycle"], api_world["department"]
    published = [cycle.pk]
    some = Indicator.objects.filter(goal__cycle=cycle).order_by("-pk").first()
    cases = [
        {"indicator__goal__cycle__in": published},
        {"indicator__goal__cycle__in": published, "indicator__goal__owner": department.pk},
        {"indicator__goal__cycle": cycle.pk, "period__gte": datetime.date(2026, 2, 1)},
        {"period__lte": datetime.date(2026, 1, 1)},
        {"indicator__dimension": some.dimension, "indicator__status": some.status},
        {"indicator": some.pk},
    ]
    for lookups in cases:
        expected = orm_measurements(**lookups)
        assert expected, lookups  # each case reads some rows
        got = hand_measurements(**lookups).order_by("id")[0:10_000]
        assert got == expected
        assert [type(v) for v in got[0].values()] == [type(v) for v in expected[0].values()]


def test_the_hidden_cycle_is_left_out_by_its_id(api_world):
    published = [api_world["cycle"].pk]
    codes = {
        r["indicator__code"]
        for r in hand_measurements(indicator__goal__cycle__in=published)[0:10_000]
    }
    assert "HIDDEN-01" not in codes
    assert hand_measurements(indicator__goal__cycle__in=[])[0:100] == []


def test_positions_order_and_windows_are_the_paginations(api_world):
    all_rows = hand_measurements().order_by("id")[0:10_000]
    ids = [r["id"] for r in all_rows]
    assert ids == sorted(ids) and len(ids) > 6
    middle = ids[3]
    after = hand_measurements().order_by("id").filter(id__gt=str(middle))[0:2]
    assert [r["id"] for r in after] == ids[4:6]
    before = hand_measurements().order_by("-id").filter(id__lt=str(middle))[0:2]
    assert [r["id"] for r in before] == [ids[2], ids[1]]
    assert [r["id"] for r in hand_measurements().order_by("id")[2:4]] == ids[2:4]
    assert hand_measurements()[5:5] == []


def test_indicators_equal_the_orms(api_world):
    names = [*rows.INDICATOR_FIELDS, "goal__code", "goal__cycle_id", "goal__owner_id"]
    published = [api_world["cycle"].pk]
    expected = list(
        Indicator.objects.filter(goal__cycle__in=published).order_by("id").values(*names)
    )
    got = rows.HandRows(Indicator, rows.indicators(), {"goal__cycle__in": published})
    assert got.order_by("id")[0:10_000] == expected
    assert len(expected) > 3


def test_what_the_pagination_never_asks_is_refused():
    hand = hand_measurements()
    with pytest.raises(ValueError):
        hand.order_by("period")
    with pytest.raises(ValueError):
        hand.filter(period__gt="2026-01-01")
    with pytest.raises(TypeError):
        hand[3]
