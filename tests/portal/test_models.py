import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.factories import CycleFactory, IndicatorFactory
from portal.models import Cycle, HomePage

pytestmark = pytest.mark.django_db


def test_home_page_is_site_root():
    from wagtail.models import Site

    assert isinstance(Site.objects.get(is_default_site=True).root_page.specific, HomePage)


def test_cycle_months_cover_the_year():
    cycle = CycleFactory(year=2024)
    months = cycle.months()
    assert months[0] == datetime.date(2024, 1, 1)
    assert months[-1] == datetime.date(2024, 12, 1)
    assert len(months) == 12


def test_cycle_weights_must_add_to_100():
    cycle = Cycle(
        year=2030,
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 12, 31),
        weight_goals=Decimal("50"),
    )
    with pytest.raises(ValidationError) as excinfo:
        cycle.full_clean()
    assert "weight_goals" in excinfo.value.message_dict


def test_milestone_target_must_be_100():
    indicator = IndicatorFactory.build(direction="milestone", target=Decimal("5"))
    with pytest.raises(ValidationError):
        indicator.clean()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("portal:indicator", {"code": "2026-03-02-01"}),
        ("portal:goal", {"year": 2026, "code": "2026-03"}),
        ("portal:department", {"slug": "gonganju"}),
        # Values that need quoting take the slow path and still come out right.
        ("portal:indicator", {"code": "指标 01"}),
    ],
)
def test_quick_reverse_gives_the_same_links_as_reverse(name, kwargs):
    from django.urls import reverse

    from portal.models.domain import quick_reverse

    assert quick_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)
    assert quick_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)  # from the memo
