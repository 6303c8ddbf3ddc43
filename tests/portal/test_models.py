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
