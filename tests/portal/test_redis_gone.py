"""Redis gone: the site serves every page, uncached, and comes back to caching on its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Department, Goal
from tests.builders import build_city
from tests.redis_gone import redis_gone_caches

pytestmark = pytest.mark.django_db


def test_pages_are_served_uncached_while_redis_is_gone(client, settings):
    build_city()
    department = Department.objects.filter(goals__level=Goal.Level.DEPARTMENT).first()
    settings.CACHES = redis_gone_caches()
    for url in ["/", department.get_absolute_url(), "/rankings/"]:
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            assert len(queries) > 0  # rendered from the database: nothing was cached
