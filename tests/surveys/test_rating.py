"""Residents rate a service: the form from a QR code, what is stored, and every refusal.

Each refusal must show a clear message, keep what the visitor typed, and store nothing.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.actions import DuplicateResponse, Submission, submit_response
from surveys.models import Answer, RectificationCase, Response
from tests.builders import build_rating_survey, captcha_from, rate_url

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
AGENT = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) test"}


def fill(client, survey, service, questions, *, level=5, comment="", captcha=None, **extra):
    """Open the form and post answers, as a visitor would."""
    overall, reason, channels, comment_q = questions
    page = client.get(rate_url(survey, service), **EN, **AGENT)
    key, answer = captcha_from(page.content.decode())
    data = {
        "service": service.pk,
        "service_slug": service.slug,
        "channel": "window",
        overall.field_name: level,
        channels.field_name: ["微信", "窗口告知"],
        comment_q.field_name: comment,
        "captcha_0": key,
        "captcha_1": answer if captcha is None else captcha,
        "website": "",
    }
    data.update(extra)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(rate_url(survey, service), data, **EN, **AGENT)


def test_qr_address_opens_the_form_with_service_and_channel_filled_in(client):
    survey, service, _questions = build_rating_survey()
    response = client.get(reverse("surveys:rate_service", kwargs={"slug": service.slug}))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?service={service.slug}&channel=window")
    page = client.get(response["Location"], **ZH).content.decode()
    assert service.name in page and "服务窗口" in page  # the service and its channel
    assert "非常满意" in page and "基本满意" in page and "非常不满意" in page


def test_a_rating_is_stored_one_row_per_answer_with_no_address_and_masked_text(client):
    survey, service, questions = build_rating_survey()
    response = fill(
        client, survey, service, questions, level=4, comment="很好，有事请打13812345678"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("surveys:thanks", kwargs={"slug": survey.slug}))
    stored = Response.objects.get()
    assert stored.service == service and stored.channel == "window"
    rows = list(Answer.objects.filter(response=stored).order_by("pk"))
    assert [(a.question.key, a.level, a.choice, a.text) for a in rows] == [
        ("overall", 4, "", ""),
        ("how", None, "微信", ""),
        ("how", None, "窗口告知", ""),
        ("comment", None, "", "很好，有事请打138＊＊＊＊5678"),
    ]
    # No raw address anywhere in the row: only the keyed hash.
    assert "127.0.0.1" not in str(Response.objects.values().get())
    thanks = client.get(response["Location"], **EN).content.decode()
    assert "What happens next" in thanks and "5 working days" in thanks


def _refused(response, *, status, message, typed=None):
    html = response.content.decode()
    assert response.status_code == status
    assert message in html, html[:3000]
    if typed is not None:
        assert typed in html  # what the visitor typed is still there
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    assert RectificationCase.objects.count() == 0


@pytest.mark.usefixtures("english")
def test_wrong_captcha_is_refused_keeping_the_answers(client):
    survey, service, questions = build_rating_survey()
    response = fill(client, survey, service, questions, captcha="0000", comment="排队太久")
    _refused(response, status=400, message="did not match the picture", typed="排队太久")


@pytest.mark.usefixtures("english")
def test_missing_captcha_is_refused(client):
    survey, service, questions = build_rating_survey()
    response = fill(client, survey, service, questions, captcha="", comment="排队太久")
    _refused(response, status=400, message="Type the characters", typed="排队太久")


@pytest.mark.usefixtures("english")
def test_a_replayed_captcha_is_refused(client):
    survey, service, questions = build_rating_survey()
    page = client.get(rate_url(survey, service), **EN, **AGENT)
    key, answer = captcha_from(page.content.decode())
    overall = questions[0]
    data = {
        "service": service.pk,
        overall.field_name: 5,
        "captcha_0": key,
        "captcha_1": answer,
    }
    assert client.post(rate_url(survey, service), data, **EN, **AGENT).status_code == 302
    Response.objects.all().delete()
    other = Client()  # another visitor replaying the same solved captcha
    replay = other.post(rate_url(survey, service), data, **EN, **AGENT)
    _refused(replay, status=400, message="did not match the picture")


@pytest.mark.usefixtures("english")
def test_a_second_rating_the_same_day_is_refused(client):
    survey, service, questions = build_rating_survey()
    assert fill(client, survey, service, questions).status_code == 302
    again = fill(client, survey, service, questions, comment="再评一次")
    assert again.status_code == 409
    assert "already rated this survey today" in again.content.decode()
    assert "再评一次" in again.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_thirty_quick_submissions_trip_the_rate_limit(client, settings):
    settings.SURVEYS_RATE_LIMIT = (10, 600)
    survey, service, questions = build_rating_survey()
    statuses = [
        fill(client, survey, service, questions, captcha="0000").status_code for _ in range(30)
    ]
    assert statuses[:10] == [400] * 10  # wrong captchas, still counted
    assert set(statuses[10:]) == {429}
    limited = fill(client, survey, service, questions, comment="我的意见")
    _refused(limited, status=429, message="Too many ratings", typed="我的意见")


@pytest.mark.usefixtures("english")
def test_missing_required_answer_is_refused(client):
    survey, service, questions = build_rating_survey()
    response = fill(client, survey, service, questions, level=None, comment="无评价")
    _refused(response, status=400, message="This question needs an answer", typed="无评价")


@pytest.mark.usefixtures("english")
def test_a_condition_asks_only_the_dissatisfied_and_hidden_answers_are_not_stored(client):
    survey, service, questions = build_rating_survey()
    overall, reason, _channels, _comment = questions
    # Dissatisfied without a reason: the shown, required question is missing.
    missing = fill(client, survey, service, questions, level=2)
    _refused(missing, status=400, message="This question needs an answer")
    # Satisfied, with a reason posted anyway (e.g. JavaScript off): the reason is ignored.
    ok = fill(client, survey, service, questions, level=5, **{reason.field_name: "态度不好"})
    assert ok.status_code == 302
    assert not Answer.objects.filter(question=reason).exists()


@pytest.mark.usefixtures("english")
def test_oversize_text_is_refused_keeping_it(client):
    survey, service, questions = build_rating_survey()
    text = "长" * 201
    response = fill(client, survey, service, questions, comment=text)
    _refused(response, status=400, message="keep this answer to 200 characters", typed=text)


@pytest.mark.usefixtures("english")
def test_honeypot_is_refused(client):
    survey, service, questions = build_rating_survey()
    response = fill(client, survey, service, questions, website="http://spam.example")
    _refused(response, status=400, message="could not be accepted")


@pytest.mark.usefixtures("english")
def test_missing_csrf_token_is_refused_with_the_form_and_answers(client):
    survey, service, questions = build_rating_survey()
    strict = Client(enforce_csrf_checks=True)
    response = fill(strict, survey, service, questions, comment="没有令牌")
    _refused(response, status=403, message="session had expired", typed="没有令牌")


@pytest.mark.usefixtures("english")
def test_closed_and_unknown_surveys_are_refused(client):
    yesterday = datetime.date.today() - datetime.timedelta(days=2)
    survey, service, questions = build_rating_survey(closes_on=yesterday)
    page = client.get(rate_url(survey, service), **EN)
    assert "This survey closed on" in page.content.decode()
    post = client.post(rate_url(survey, service), {questions[0].field_name: 5}, **EN)
    _refused(post, status=403, message="This survey closed on")
    unknown = client.post("/surveys/no-such-survey/rate/", {}, **EN)
    assert unknown.status_code == 404


def test_refusals_are_in_the_visitors_language(client):
    survey, service, questions = build_rating_survey()
    page = client.get(rate_url(survey, service), **ZH, **AGENT)
    key, _answer = captcha_from(page.content.decode())
    response = client.post(
        rate_url(survey, service),
        {"service": service.pk, questions[0].field_name: 5, "captcha_0": key, "captcha_1": "0"},
        **ZH,
        **AGENT,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html and "did not match" not in html


def test_a_poor_rating_opens_a_case_due_in_working_days(client):
    survey, service, questions = build_rating_survey()
    reason = questions[1]
    fill(
        client,
        survey,
        service,
        questions,
        level=1,
        comment="<script>alert(1)</script>",
        **{reason.field_name: "排队时间长"},
    )
    case = RectificationCase.objects.get()
    assert case.department == survey.department and case.service == service
    assert case.due_on > case.reported_on and not case.public and not case.comment_moderated
    assert "非常不满意" in case.title
    # A good rating opens none.
    fill(Client(), survey, service, questions, level=4)
    assert RectificationCase.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_hundred_clients_at_once_are_each_stored_exactly_once():
    survey, service, questions = build_rating_survey()
    overall = questions[0]

    def send(number: int):
        try:
            submit_response(
                Submission(
                    survey=survey,
                    answers={overall: 5},
                    client_key=f"client-{number % 200:03d}",
                    service=service,
                )
            )
            return "stored"
        except DuplicateResponse:
            return "duplicate"
        finally:
            connection.close()

    # Every one of 200 clients sends twice, all at the same time.
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(send, range(400)))
    assert outcomes.count("stored") == 200 and outcomes.count("duplicate") == 200
    assert Response.objects.count() == 200
    assert Response.objects.values("client_key").distinct().count() == 200
    assert Answer.objects.count() == 200


def test_a_condition_on_the_scale_holds_in_either_language(client):
    """The condition names 不满意 / 非常不满意; an English visitor reads and chooses
    "Dissatisfied", and the question follows them (the page's script compares levels)."""
    survey, service, questions = build_rating_survey()
    overall = questions[0]
    overall.options = []  # the scale's own labels, translated
    overall.save()
    html = client.get(rate_url(survey, service), **EN).content.decode()
    assert 'data-show-if="overall" data-show-if-answers="2|1"' in html
    note = html[html.index("condition-note") :][:200]
    assert "Answer this only if you answered “Dissatisfied、Very dissatisfied” above." in note, note
    response = fill(client, survey, service, questions, level=2)  # no reason given
    _refused(response, status=400, message="This question needs an answer.")
