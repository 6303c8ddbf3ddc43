"""The rating form's survey, services and questions are held in each worker's memory, and an
editor's change reaches the form at the next request (the data version in the shared cache)."""

import pytest
from django.core.cache import cache

from portal.cache import VERSION_KEY
from surveys.factories import SurveyQuestionFactory
from tests.builders import build_rating_survey, rate_url

pytestmark = pytest.mark.django_db


def test_a_question_added_by_an_editor_appears_on_the_next_form(
    client, django_capture_on_commit_callbacks
):
    survey, service, _questions = build_rating_survey()
    assert (
        "How long did you wait?"
        not in client.get(rate_url(survey, service), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):  # the admin's save commits
        SurveyQuestionFactory(
            survey=survey,
            key="wait",
            text="等了多久？",
            text_en="How long did you wait?",
            sort_order=9,
        )
    page = client.get(rate_url(survey, service), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How long did you wait?" in page


def test_a_survey_taken_out_of_use_is_gone_from_the_next_request(
    client, django_capture_on_commit_callbacks
):
    survey, service, _questions = build_rating_survey()
    assert client.get(rate_url(survey, service)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        survey.active = False
        survey.save()
    assert client.get(rate_url(survey, service)).status_code == 404


def test_a_lost_version_never_brings_back_what_was_held(client):
    """The cache restarted (or evicted the version): the worker reloads rather than trusting
    what it held under a version number that could come round again."""
    survey, service, _questions = build_rating_survey()
    assert client.get(rate_url(survey, service)).status_code == 200
    survey.active = False
    survey.save()  # in a transaction never committed here: no bump
    cache.delete(VERSION_KEY)
    assert client.get(rate_url(survey, service)).status_code == 404
