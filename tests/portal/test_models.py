import datetime
from decimal import Decimal
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

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

    from portal.links import quick_reverse

    assert quick_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)
    assert quick_reverse(name, **kwargs) == reverse(name, kwargs=kwargs)  # from the memo


def wsgi_get(path: str, script_name: str = "") -> str:
    """A GET through Django's WSGI handler, as gunicorn calls it (the test client does not set
    the script prefix); the test's database transaction stays open."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": script_name}
    setup_testing_defaults(environ)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: None)
        body = b"".join(response).decode()
        response.close()
        return body
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_page_links_follow_the_script_prefix_of_each_request(settings):
    """A site served under a path prefix (SCRIPT_NAME) links under it; the memo of URL
    patterns never hands one request's prefix to another."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    indicator = IndicatorFactory(code="2026-03-02-01")
    page = indicator.goal.owner.get_absolute_url()
    plain = wsgi_get(page)
    prefixed = wsgi_get(page, script_name="/city")
    again = wsgi_get(page)
    assert 'href="/indicators/2026-03-02-01/"' in plain
    assert 'href="/city/indicators/2026-03-02-01/"' in prefixed
    assert 'href="/indicators/2026-03-02-01/"' not in prefixed
    assert 'href="/city/indicators/2026-03-02-01/"' not in again
    # Outside a request, links use Django's own script prefix.
    assert indicator.get_absolute_url() == "/indicators/2026-03-02-01/"
