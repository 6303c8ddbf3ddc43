"""The service a rating is for: one of the survey's own, resolved without a query."""

import pytest

from surveys.factories import ServiceFactory
from surveys.forms import ServiceChoiceField
from surveys.models import Response
from tests.surveys.test_rating import build_rating_survey, captcha_from, rate_url

pytestmark = pytest.mark.django_db


def test_a_service_the_survey_does_not_cover_is_refused(client):
    survey, service, questions = build_rating_survey()
    other = ServiceFactory(department=service.department)
    overall, _reason, _channels, comment = questions
    key, answer = captcha_from(client.get(rate_url(survey)).content.decode())
    data = {"service": other.pk, overall.field_name: 5, comment.field_name: "很好"}
    data |= {"captcha_0": key, "captcha_1": answer}
    response = client.post(rate_url(survey), data)
    assert response.status_code == 400
    assert "很好" in response.content.decode()  # what the visitor typed is kept
    assert Response.objects.count() == 0


def test_the_service_is_found_among_those_loaded(django_assert_num_queries):
    services = [ServiceFactory(), ServiceFactory()]
    field = ServiceChoiceField(services)
    with django_assert_num_queries(0):
        assert field.clean(str(services[1].pk)) is services[1]
        assert field.clean(services[0].pk) is services[0]
