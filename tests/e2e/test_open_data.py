"""The open-data catalogue and the rankings chart on a 390 px phone: nothing wider than the
screen, no serious accessibility barrier, a dataset downloads with its Chinese intact."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


@pytest.fixture(autouse=True)
def _memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def built(city):
    """The city with its open-data files built, as the worker does after a change (the test
    settings queue no build on change: portal/settings/test.py)."""
    from django.core.management import call_command

    call_command("build_open_data", verbosity=0)
    return city


@pytest.mark.parametrize("path", ["/data/", "/rankings/"])
def test_page_works_on_a_phone_without_accessibility_barriers(site_page, built, path):
    from axe_playwright_python.sync_playwright import Axe

    site_page.page.set_viewport_size(PHONE)
    page = site_page.open(path)
    if path == "/data/":
        # The data dictionaries are part of the page: open them all before checking.
        for summary in page.locator("details.dataset__dictionary summary").all():
            summary.click()
    else:
        assert page.locator("svg.chart-svg--bars").first.is_visible()
    # Wide tables scroll inside their own region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    results = Axe().run(page)
    barriers = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert barriers == [], "\n".join(barriers)
    assert site_page.external_requests == []
    assert site_page.errors == []


def test_a_visitor_finds_open_data_in_the_menu_and_downloads_a_csv(site_page, built):
    page = site_page.open("/")
    page.locator('nav a[href="/data/"]').first.click()
    page.wait_for_load_state("networkidle")
    link = page.locator('a[href$="/data/rankings.csv"]').first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "rankings.csv"
    body = open(download.path(), "rb").read()
    assert body.startswith(b"\xef\xbb\xbf")
    assert built.department.name in body.decode("utf-8-sig")
