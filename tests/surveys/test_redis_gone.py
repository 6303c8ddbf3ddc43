"""Redis gone: residents can still rate. The rate limit cannot count and lets ratings through;
the once-a-day rule (the database's) still holds; the form is read fresh each time."""

import pytest

from surveys import form_definitions
from surveys.models import Response
from tests.builders import build_rating_survey, captcha_from, rate_url
from tests.redis_gone import redis_gone_caches

pytestmark = pytest.mark.django_db


def test_a_rating_is_stored_while_redis_is_gone_and_counts_once_a_day(client, settings):
    survey, service, (overall, _reason, _channels, _comment) = build_rating_survey()
    settings.CACHES = redis_gone_caches()
    settings.SURVEYS_RATE_LIMIT = (1, 600)  # would refuse the second post if it could count
    form_definitions.forget_all()
    statuses = []
    for _attempt in range(2):
        page = client.get(rate_url(survey, service), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        key, answer = captcha_from(page.content.decode())
        sent = client.post(
            rate_url(survey, service),
            {
                "service": service.pk,
                "service_slug": service.slug,
                overall.field_name: 5,
                "captcha_0": key,
                "captcha_1": answer,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        statuses.append(sent.status_code)
    assert statuses == [302, 409]  # stored, then "already rated today" — not "too many"
    assert "already rated this survey today" in sent.content.decode()
    assert Response.objects.count() == 1
    assert form_definitions._held == {}  # nothing memorised without a version to check
