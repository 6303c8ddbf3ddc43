"""The measurement import's admin screen: who sees it, the documented format, a preview that
writes nothing, then the confirmed import."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from portal import importing
from portal.factories import MeasurementFactory, UserFactory
from portal.importing import import_measurements
from portal.models import Measurement
from tests.builders import build_import_world, csv_file
from tests.builders import import_snapshot as snapshot


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


@pytest.fixture
def world(db):
    return build_import_world()


# ---- the admin screen -----------------------------------------------------------------------


@pytest.fixture
def admin_media(settings, tmp_path):
    """The folder where uploads wait for their confirmation (outside the media folder)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    staging = {**settings.IMPORT_STAGING_STORAGE, "OPTIONS": {"location": tmp_path / "staging"}}
    settings.STORAGES = {**settings.STORAGES, "portal_imports": staging}
    return tmp_path / "staging"


def login(client, user):
    from wagtail.users.models import UserProfile

    # Editors reach the Wagtail admin through a group in production; grant the permission here.
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


def test_the_import_screen_needs_an_editor(client, world):
    url = reverse("portal_import_measurements")
    assert client.get(url).status_code == 302  # to the login page
    staff_without_department = UserFactory(username="staff-only")
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    response = login(client, staff_without_department).get(url)
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_the_import_screen_documents_the_format(client, world):
    response = login(client, world["editor"]).get(reverse("portal_import_measurements"))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("indicator_code", "指标编码", "2026年3月", "GBK", "市数据局"):
        assert text in content
    assert "市交通局" not in content
    assert 'enctype="multipart/form-data"' in content


def test_the_menu_shows_the_import_to_editors(client, world):
    response = login(client, world["editor"]).get(reverse("wagtailadmin_home"))
    assert reverse("portal_import_measurements") in response.content.decode()


def test_upload_preview_confirm_end_to_end(client, world, admin_media):
    MeasurementFactory(indicator=world["rate"], period=datetime.date(2025, 1, 1), value=10)
    login(client, world["editor"])
    url = reverse("portal_import_measurements")
    upload = csv_file(["A-01,2025-01,12,,", "A-02,2025-01,3,,", "A-02,2025-02,4,,"])
    upload.name = "monthly.csv"
    before = snapshot()
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert snapshot() == before  # the preview writes nothing
    result = response.context["result"]
    assert (result.created, result.corrected, result.unchanged) == (2, 1, 0)
    content = response.content.decode()
    assert 'id="import-preview"' in content and 'id="import-changes"' in content
    token = response.context["token"]
    assert 'name="csrfmiddlewaretoken"' in content

    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Measurement.objects.count() == 3
    assert Measurement.objects.get(indicator=world["rate"]).value == Decimal("12")
    assert ModelLogEntry.objects.filter(action="portal.import_measurements").count() == 1
    followed = client.get(url)
    assert "2 new, 1 corrected" in followed.content.decode()

    # The stored upload is used once: confirming again is refused, and writes nothing more.
    before = snapshot()
    client.post(url, {"token": token})
    assert snapshot() == before
    assert not list((admin_media / "portal-imports").iterdir())


def test_upload_with_errors_shows_the_report_and_stores_nothing(client, world, admin_media):
    login(client, world["editor"])
    upload = csv_file(["A-01,2025-01,12,,", "B-01,2025-01,3,,", "A-02,2025-13,1,,"])
    upload.name = "bad.csv"
    before = snapshot()
    response = client.post(reverse("portal_import_measurements"), {"file": upload})
    assert response.status_code == 200
    assert snapshot() == before
    assert "token" not in response.context
    content = response.content.decode()
    assert 'id="import-errors"' in content
    assert [(e.row, e.column) for e in response.context["result"].errors] == [
        (3, "indicator_code"),
        (4, "period"),
    ]
    assert "Confirm and import" not in content
    assert not (admin_media / "portal-imports").exists()


def test_an_oversized_or_wrong_type_upload_is_refused_by_the_form(client, world, settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 10
    login(client, world["editor"])
    upload = csv_file(["A-01,2025-01,12,,"])
    upload.name = "m.csv"
    response = client.post(reverse("portal_import_measurements"), {"file": upload})
    assert response.context["form"].errors["file"]
    assert "limit" in response.content.decode()
    upload = io.BytesIO(b"x")
    upload.name = "m.xls"
    response = client.post(reverse("portal_import_measurements"), {"file": upload})
    assert ".xls" in response.context["form"].errors["file"][0]
    assert snapshot()[0] == 0


def test_a_token_cannot_be_confirmed_by_another_user(client, world, admin_media):
    login(client, world["editor"])
    upload = csv_file(["A-01,2025-01,12,,"])
    upload.name = "m.csv"
    token = client.post(reverse("portal_import_measurements"), {"file": upload}).context["token"]
    login(client, world["admin"])
    response = client.post(reverse("portal_import_measurements"), {"token": token})
    assert response.status_code == 302
    assert Measurement.objects.count() == 0
    tampered = client.post(reverse("portal_import_measurements"), {"token": token + "x"})
    assert tampered.status_code == 302 and Measurement.objects.count() == 0


def test_posts_need_the_csrf_token(world):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), world["editor"])
    upload = csv_file(["A-01,2025-01,12,,"])
    upload.name = "m.csv"
    response = client.post(reverse("portal_import_measurements"), {"file": upload})
    assert response.status_code == 403


def test_the_import_log_action_is_registered(world):
    assert log_registry.action_exists(importing.IMPORT_LOG_ACTION)
    import_measurements(csv_file(["A-01,2025-01,1,,"]), "m.csv", user=world["admin"])
    entry = ModelLogEntry.objects.get(action=importing.IMPORT_LOG_ACTION)
    assert "m.csv" in str(entry.formatter.format_message(entry))
