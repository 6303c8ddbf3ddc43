"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache


def pytest_configure(config):
    # Tests serve static files from the app folders; STATIC_ROOT exists only after
    # collectstatic, and WhiteNoise's warning about it is noise here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def english():
    """Messages have English msgids: pin the language, so a zh-hans catalog keeps the
    assertions on their wording valid."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Page caches and rate limits live in the cache: start every test from empty.
    cache.clear()
    yield
    cache.clear()


def ensure_default_site():
    """Return the default Wagtail site, rebuilding root page, home page and site if missing.

    Migrations create them, but a transactional test (``transactional_db``, ``live_server``)
    ends by flushing every table, so the tests after it would find no home page at ``/``.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first() or root.add_child(
        instance=HomePage(title="首页", slug="home", live=True)
    )
    return Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name=settings.WAGTAIL_SITE_NAME,
    )


@pytest.fixture
def wagtail_site(db):
    """The default site with its HomePage, present even after a transactional test's flush."""
    return ensure_default_site()
