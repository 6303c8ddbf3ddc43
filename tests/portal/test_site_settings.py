"""The site's name is a Wagtail site setting that administrators change in the admin."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
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


def test_the_footer_shows_the_statutory_lines_an_administrator_fills_in(
    client, django_capture_on_commit_callbacks
):
    empty = BeautifulSoup(client.get("/departments/", **ZH).content, "html.parser")
    assert not empty.select(".site-footer__records") and "找错" not in empty.get_text()
    with django_capture_on_commit_callbacks(execute=True):
        save_identity(
            client,
            name="青川市绩效公开",
            name_en="Qingchuan Performance",
            organiser="青川市人民政府办公室",
            organiser_en="",
            contact="0571-12345678",
            site_code="3399000001",
            icp_number="浙ICP备00000000号",
            police_number="浙公网安备 33990002000001号",
            error_report_url="",
        )
    for headers in (ZH, EN):
        footer = BeautifulSoup(client.get("/departments/", **headers).content, "html.parser")
        footer = footer.select_one(".site-footer")
        text = footer.get_text()
        assert "青川市人民政府办公室" in text and "0571-12345678" in text
        assert "3399000001" in text and "浙ICP备00000000号" in text
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
        assert links["浙ICP备00000000号"] == "https://beian.miit.gov.cn/"
        assert links["浙公网安备 33990002000001号"].endswith("recordcode=33990002000001")
        report = next(href for label, href in links.items() if "找错" in label)
        assert report.endswith("jiucuo.html?site_code=3399000001")
    icon = BeautifulSoup(client.get("/", **ZH).content, "html.parser").select_one("link[rel=icon]")
    assert finders.find(icon["href"].removeprefix(settings.STATIC_URL))  # the file exists
    # On the English site the Chinese that remains is marked as Chinese.
    english = BeautifulSoup(client.get("/departments/", **EN).content, "html.parser")
    organiser = english.select_one(".site-footer__organiser [lang='zh-Hans']")
    assert organiser.get_text() == "青川市人民政府办公室"
