"""An editor in a real browser signs in and works in the admin under its Content-Security-Policy:
Wagtail's screens (date pickers, inline panels, StreamField, choosers) still run, and nothing
is blocked (the site_page fixture fails a test on any policy violation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_an_administrator_signs_in_and_opens_the_editing_screens(site_page, city):
    from portal.factories import UserFactory

    UserFactory(username="city-root", password=PASSWORD, is_superuser=True)
    page = site_page.open(reverse("wagtailadmin_login"))
    page.fill("input[name=username]", "city-root")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    goal = city.indicator.goal
    screens = [
        reverse("portal_goal:edit", args=[goal.pk]),
        reverse("portal_indicator:edit", args=[city.indicator.pk]),
        reverse("portal_measurement:add"),
        reverse("wagtailadmin_pages:edit", args=[city.report.pk]),
        reverse("surveys_survey:edit", args=[city.survey.pk]),
        reverse("portal_lockouts:index"),
        reverse("wagtailadmin_reports:site_history"),
    ]
    for url in screens:
        site_page.open(url)
        # Wagtail's scripts ran: its Stimulus controllers marked up the page.
        page.locator("[data-controller]").first.wait_for(state="attached")
    assert not site_page.errors, site_page.errors
    assert not site_page.external_requests, site_page.external_requests
