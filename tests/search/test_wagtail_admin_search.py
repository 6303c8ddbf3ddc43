"""Wagtail's own admin search on the engine: with an engine configured, editors' page search
in the admin runs on OpenSearch (Wagtail's ``opensearch3`` backend), in indices of its own."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from opensearchpy import OpenSearch
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from portal.factories import UserFactory
from tests.search.engine_fixtures import SESSION_PREFIX, engine_url, require_engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def wagtail_engine(settings):
    require_engine()
    prefix = f"{SESSION_PREFIX}-wagtail-"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            # What portal/settings/base.py chooses when SEARCH_URL names an OpenSearch node.
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": [engine_url()],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 10,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }
    backend = get_search_backend()
    backend.reset_indexes()
    yield backend
    OpenSearch([engine_url()]).indices.delete(index=f"{prefix}*", ignore_unavailable=True)


def test_admin_page_search_finds_a_page_through_the_engine(
    client, wagtail_site, wagtail_engine, django_capture_on_commit_callbacks
):
    home = wagtail_site.root_page.specific
    home.title = "城市绩效公开首页"
    home.save_revision().publish()
    # What docs/operations.md says to run once an engine is configured: mappings and pages.
    call_command("update_index", stdout=io.StringIO())
    # From then on Wagtail indexes a saved page itself, once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        child = home.add_child(instance=Page(title="营商环境专题", slug="yingshang"))
    wagtail_engine.refresh_indexes()

    # The engine holds the pages (not a database fallback): it finds the new one by its words.
    found = [p.pk for p in wagtail_engine.search("营商环境", Page)]
    assert found == [child.pk]
    assert [p.pk for p in wagtail_engine.search("绩效公开", Page)] == [home.pk]

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/pages/search/", {"q": "营商环境"})
    assert response.status_code == 200
    html = response.content.decode()
    # One result, the new page (the home page appears only as its parent, not as a result).
    assert f"/admin/pages/{child.pk}/edit/" in html
    assert f"/admin/pages/{home.pk}/edit/" not in html
