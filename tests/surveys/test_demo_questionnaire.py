"""The demo city's questionnaire on the real form: the "main problem" question is asked of a
dissatisfied visitor, in Chinese and in English, and of no one else."""

import re

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from surveys.demo import add_questionnaire
from surveys.factories import ServiceFactory, SurveyFactory
from surveys.models import Answer, Response

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "level", "asked"),
    [("zh-hans", 2, True), ("en", 2, True), ("en", 1, True), ("en", 3, False)],
)
def test_the_main_problem_is_asked_only_of_the_dissatisfied(client, language, level, asked):
    service = ServiceFactory()
    survey = SurveyFactory(department=service.department)
    survey.services.add(service)
    questions = add_questionnaire([survey])[survey.pk]
    url = reverse("surveys:rate", kwargs={"slug": survey.slug}) + f"?service={service.slug}"
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    page = client.get(url, **headers).content.decode()
    key = re.search(r'name="captcha_0" value="(\w+)"', page).group(1)
    sent = client.post(
        url,
        {
            "service": service.pk,
            "service_slug": service.slug,
            questions["overall"].field_name: level,
            questions["problem"].field_name: "排队等候时间长",
            "captcha_0": key,
            "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
        },
        **headers,
    )
    assert sent.status_code == 302
    stored = Answer.objects.filter(response=Response.objects.get(), question__key="problem")
    assert stored.exists() == asked
