"""The API's documentation page renders in Chromium from our own files, under the site's
Content-Security-Policy (no inline script, nothing from another host)."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_endpoint(site_page):
    page = site_page.open("/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    text = page.inner_text("body")
    for path in ("/api/v1/measurements/", "/api/v1/evaluations/", "/api/v1/cases/"):
        assert path in text
    assert "cursor" in text  # the document's description, pagination explained
    assert not site_page.errors, site_page.errors
    assert not site_page.external_requests, site_page.external_requests
