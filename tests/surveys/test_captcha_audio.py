"""The captcha's audio alternative (适老化): with flite on the machine (``make test`` and
``make demo`` install Debian's package) the form links to the spoken digits, a WAV file;
without it the form offers no dead link."""

import os
import re

import pytest
from django.conf import settings

from tests.builders import build_rating_survey, rate_url

pytestmark = pytest.mark.django_db

AUDIO_LINK = re.compile(r'<a href="(/captcha/audio/\w+\.wav)" class="captcha__audio">')


def test_the_form_links_to_the_spoken_captcha_a_wav_file(client):
    if not settings.CAPTCHA_FLITE_PATH:
        message = "flite not found: `make test` installs Debian's flite"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    survey, service, _questions = build_rating_survey()
    page = client.get(rate_url(survey, service)).content.decode()
    link = AUDIO_LINK.search(page)
    assert link, "no audio link in the captcha"
    audio = client.get(link.group(1))
    assert audio.status_code == 200
    assert audio["Content-Type"] == "audio/wav"
    body = b"".join(audio.streaming_content) if audio.streaming else audio.content
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE"
    assert len(body) > 8000  # four digits spoken, not an empty file


def test_without_flite_the_form_offers_no_audio_link(client, monkeypatch):
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_FLITE_PATH", None)
    survey, service, _questions = build_rating_survey()
    page = client.get(rate_url(survey, service)).content.decode()
    assert "captcha__audio" not in page
    assert "captcha__zoom" in page  # the larger picture is still there
