"""The site's busiest public write costs few round trips: one statement that checks and uses
up the captcha, and the inserts. The survey, its services and its questions come from the
worker's memory (surveys.form_definitions); no reference-index work for the rating, no sweep
of expired captchas."""

import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.models import Response
from tests.builders import build_rating_survey, captcha_from, rate_url

pytestmark = pytest.mark.django_db


def _post(client, level):
    survey, service, (overall, reason, channels, comment) = build_rating_survey()
    page = client.get(rate_url(survey, service), HTTP_USER_AGENT="phone")
    key, answer = captcha_from(page.content.decode())
    data = {
        "service": service.pk,
        "service_slug": service.slug,
        "channel": "window",
        overall.field_name: level,
        reason.field_name: "排队时间长",  # asked of the dissatisfied only
        channels.field_name: ["微信"],
        comment.field_name: "好",
        "captcha_0": key,
        "captcha_1": answer,
        "website": "",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(rate_url(survey, service), data, HTTP_USER_AGENT="phone")
    assert response.status_code == 302
    assert Response.objects.count() == 1
    assert not CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).exists()
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_good_rating_is_three_statements(client):
    statements = _post(client, 5)
    assert len(statements) == 3, "\n".join(statements)
    assert not any("referenceindex" in sql for sql in statements)
    assert sum("captcha_captchastore" in sql for sql in statements) == 1


def test_a_poor_rating_also_opens_its_case(client):
    statements = _post(client, 2)
    assert sum("captcha_captchastore" in sql for sql in statements) == 1
    assert any('INSERT INTO "surveys_rectificationcase"' in sql for sql in statements)
