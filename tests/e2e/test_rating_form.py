"""A resident at a service window, in a real browser on a phone-sized screen: reads the address
on the window's poster, opens the rating form, answers (the "main problem" question appears
once they choose 不满意), gets the captcha wrong once, then sends and sees the thank-you page;
the poor rating is a case for the department. No serious accessibility barrier on the form,
with or without an error message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


@pytest.fixture
def window_survey():
    """A department's window and its survey, with the demo city's questionnaire."""
    from portal.factories import DepartmentFactory
    from surveys.demo import add_questionnaire
    from surveys.factories import ServiceFactory, SurveyFactory

    department = DepartmentFactory(name="青川市自然资源局", short_name="自然资源局", slug="zrzy")
    service = ServiceFactory(
        department=department,
        name="不动产登记窗口",
        slug="zrzy-window",
        address="市民中心二楼 12 号窗口",
    )
    survey = SurveyFactory(department=department, title="不动产登记窗口满意度调查", slug="zrzy")
    survey.services.add(service)
    questions = add_questionnaire([survey])[survey.pk]
    return service, survey, questions


@pytest.fixture
def captcha_test_mode(monkeypatch):
    # The captcha's test mode accepts the answer "PASSED" (the live server runs in this
    # process, so the patch reaches it); any other answer is checked as usual.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


def _barriers(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _question(page, key: str):
    return page.locator(f'fieldset[data-key="{key}"]')


def test_resident_rates_a_window_from_its_poster_on_a_phone(
    site_page, window_survey, captcha_test_mode
):
    from surveys.models import Answer, RectificationCase, Response

    service, survey, questions = window_survey
    page = site_page.page
    page.set_viewport_size(PHONE)

    # The poster at the window: its QR code and the address printed under it.
    poster = site_page.open(f"/surveys/services/{service.slug}/poster/")
    assert poster.locator(".poster__qr svg").count() == 1
    address = poster.locator(".poster__url").inner_text().strip()
    assert urlsplit(address).path == f"/surveys/s/{service.slug}/"

    # Scanning it opens the survey's form, the window already chosen.
    response = page.goto(address, wait_until="networkidle")
    assert response.status == 200
    assert urlsplit(page.url).path == f"/surveys/{survey.slug}/rate/"
    assert service.name in page.inner_text("main")
    # Fits the phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _barriers(page) == []

    # The main-problem question is asked only of a dissatisfied resident.
    problem = _question(page, "problem")
    assert problem.is_hidden()
    _question(page, "overall").get_by_label("不满意", exact=True).check()
    assert problem.is_visible()
    problem.get_by_label("排队等候时间长").check()
    _question(page, "ease").locator('input[type="radio"]').nth(3).check()
    sources = _question(page, "sources")
    sources.get_by_label("网上办事指南").check()
    sources.get_by_label("窗口咨询").check()
    _question(page, "suggestion").locator("textarea").fill("中午只开一个窗口，电话13812345678")

    # A wrong captcha: the form comes back with the message and every answer kept.
    page.locator('input[name="captcha_1"]').fill("0000")
    page.locator(".rating-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    message = page.locator("#form-message")
    assert message.is_visible()
    assert Response.objects.count() == 0
    assert _question(page, "overall").get_by_label("不满意", exact=True).is_checked()
    assert problem.is_visible() and problem.get_by_label("排队等候时间长").is_checked()
    assert "13812345678" in _question(page, "suggestion").locator("textarea").input_value()
    assert _barriers(page) == []

    # The captcha passed (test mode): sent, and the thank-you page says what happens next.
    page.locator('input[name="captcha_1"]').fill("PASSED")
    page.locator(".rating-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == f"/surveys/{survey.slug}/thanks/"
    assert page.locator("h1").count() == 1
    assert page.locator(".next-steps li").count() == 3

    # Stored once, as answered; the poor rating is a case for the department, due on a date.
    stored = Response.objects.get()
    assert stored.service == service and stored.channel == "window"
    answers = {(a.question.key, a.level, a.choice) for a in Answer.objects.filter(response=stored)}
    assert {("overall", 2, ""), ("problem", None, "排队等候时间长"), ("ease", 2, "")} <= answers
    assert {("sources", None, "网上办事指南"), ("sources", None, "窗口咨询")} <= answers
    case = RectificationCase.objects.get(response=stored)
    assert case.department == service.department and case.service == service
    assert case.due_on > case.reported_on and not case.public
    assert "138＊＊＊＊5678" in case.comment and "13812345678" not in case.comment
    assert site_page.errors == [] and site_page.external_requests == []
