"""API tokens in the admin: city administrators create (shown once) and revoke them."""

import json
import re

import pytest
from django.urls import reverse

from portal.models import ApiToken, DataSource
from portal.tokens import issue_token, token_hash
from tests.builders import refused, url

PUSH = "/api/v1/push/measurements"


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


def push(client, secret, value=1):
    body = [{"indicator_code": "A-01", "period": "2025-05", "value": value}]
    return client.post(
        PUSH,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def create(client, world, name="政务热线系统"):
    return client.post(
        url("portal_api_token", "add"), {"name": name, "department": world["dept_a"].pk}
    )


def test_a_city_administrator_creates_a_token_shown_once(client, world):
    client.force_login(world["city_admin"])
    response = create(client, world)
    assert response.status_code == 200
    secret = re.search(r'value="(pp_[^"]+)"', response.content.decode())[1]
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.department == world["dept_a"]
    assert token.created_by == world["city_admin"]
    # Only the hash is stored; the prefix identifies it in the listing.
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(secret in value for value in stored)
    assert token.secret_hash == token_hash(secret)
    assert secret.startswith(token.prefix)
    listing = client.get(url("portal_api_token", "index")).content.decode()
    assert token.prefix in listing and secret not in listing
    assert secret not in client.get(url("portal_api_token", "edit", token)).content.decode()
    # And it works, its use recorded.
    assert token.last_used_at is None
    client.logout()
    assert push(client, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_in_the_admin_refuses_the_next_request(client, world):
    token, secret = issue_token("系统", world["dept_a"])
    assert push(client, secret).status_code == 200
    client.force_login(world["city_admin"])
    response = client.post(
        url("portal_api_token", "edit", token), {"name": token.name, "revoke": "on"}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert push(client, secret, value=2).status_code == 401


def test_a_token_cannot_be_deleted_only_revoked(client, world):
    token, _secret = issue_token("系统", world["dept_a"])
    client.force_login(world["city_admin"])
    assert refused(client.get(url("portal_api_token", "delete", token)))
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize(
    "viewset, view",
    [
        ("portal_api_token", "index"),
        ("portal_api_token", "add"),
        ("portal_data_source", "index"),
        ("portal_data_source", "add"),
    ],
)
def test_department_editors_cannot_see_or_create_tokens_or_sources(client, world, viewset, view):
    client.force_login(world["editor"])
    assert refused(client.get(url(viewset, view)))


def test_department_editors_cannot_create_a_token_by_posting(client, world):
    client.force_login(world["editor"])
    assert refused(create(client, world))
    assert not ApiToken.objects.exists()


def test_department_editors_cannot_open_an_existing_token(client, world):
    token, _secret = issue_token("系统", world["dept_a"])
    client.force_login(world["editor"])
    for view in ("edit", "inspect"):
        assert refused(client.get(url("portal_api_token", view, token)))
    assert refused(
        client.post(url("portal_api_token", "edit", token), {"name": "x", "revoke": "on"})
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_menu_is_shown_to_city_administrators_only(client, world):
    tokens_url = url("portal_api_token", "index")
    client.force_login(world["editor"])
    assert tokens_url not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(world["city_admin"])
    assert tokens_url in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_city_administrator_registers_a_data_source(client, world):
    client.force_login(world["city_admin"])
    data = {"name": "热线月报", "department": world["dept_a"].pk, "format": "auto", "active": "on"}
    bad = client.post(url("portal_data_source", "add"), data | {"url": "file:///etc/passwd"})
    assert bad.status_code == 200 and not DataSource.objects.exists()
    ok = client.post(url("portal_data_source", "add"), data | {"url": "http://10.0.0.5/m.csv"})
    assert ok.status_code == 302
    assert DataSource.objects.get().url == "http://10.0.0.5/m.csv"
