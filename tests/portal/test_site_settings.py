"""The site's name is a Wagtail site setting that administrators change in the admin."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from portal.factories import UserFactory
from portal.models import SiteIdentity

pytestmark = pytest.mark.usefixtures("wagtail_site")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def names(client, url, **headers) -> tuple[str, str, str]:
    """The site's name as the page shows it: in the title, the header and the footer."""
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content, "html.parser")
    title = page.title.get_text().rsplit(" | ", 1)[1]
    footer = page.select_one(".site-footer p:last-child").get_text().removeprefix("© ")
    return title, page.select_one(".site-name").get_text(), footer


def save_identity(client, **fields):
    """Save the setting as an administrator does: Settings → Site identity, then Save."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    menu = client.get(reverse("wagtailsettings:edit", args=["portal", "siteidentity"]))
    assert menu.status_code == 302
    response = client.post(menu["Location"], fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def test_pages_show_the_default_names_until_an_administrator_sets_them(client):
    assert names(client, "/departments/", **ZH) == ("政府绩效公开平台",) * 3
    assert names(client, "/departments/", **EN) == ("Government Performance Portal",) * 3
    # Reading the setting writes nothing: a visitor's GET stores no row.
    assert not SiteIdentity.objects.exists()


def test_saving_the_setting_renames_every_cached_page_at_once(
    client, django_capture_on_commit_callbacks
):
    for headers in (ZH, EN):
        names(client, "/departments/", **headers)  # now in the page cache
        names(client, "/", **headers)
    # The cached pages are invalidated (the data version bumped) when the save commits.
    with django_capture_on_commit_callbacks(execute=True):
        save_identity(client, name="青川市绩效公开", name_en="Qingchuan Performance")
    identity = SiteIdentity.objects.get()
    assert (identity.name, identity.name_en) == ("青川市绩效公开", "Qingchuan Performance")
    for url in ("/departments/", "/"):
        assert names(client, url, **ZH) == ("青川市绩效公开",) * 3
        assert names(client, url, **EN) == ("Qingchuan Performance",) * 3


def test_english_pages_fall_back_to_the_chinese_name(client):
    save_identity(client, name="青川市绩效公开", name_en="")
    assert names(client, "/departments/", **EN) == ("青川市绩效公开",) * 3
