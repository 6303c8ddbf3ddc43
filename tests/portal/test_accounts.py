"""Signing in: the throttle and its lockout, password rules, password reset, logout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from portal.accounts import lockout_message
from portal.factories import UserFactory
from tests.builders import city_admin_group, editor_group

PASSWORD = "correct-horse-battery"  # UserFactory's
LOGIN = "/admin/login/"
LOCKED_EN = "Too many failed sign-in attempts"


@pytest.fixture
def editor(db):
    user = UserFactory(username="data-editor")
    user.groups.add(editor_group())
    return user


def sign_in(client, username, password, address="203.0.113.7", language="en", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )


# --- the throttle ------------------------------------------------------------------------------


def test_an_account_is_locked_after_five_failures_with_a_message_on_the_login_page(
    client, editor, settings
):
    for attempt in range(4):
        response = sign_in(
            client, "data-editor", f"wrong-{attempt}", address=f"198.51.100.{attempt}"
        )
        assert response.status_code == 200
        assert LOCKED_EN not in response.content.decode()
    # The fifth failure locks the account, from whatever address.
    response = sign_in(client, "data-editor", "wrong-5", address="198.51.100.99")
    assert response.status_code == 429
    # Wagtail's own login page (its form, fields and layout), with the message.
    assert response.templates[0].name == "wagtailadmin/login.html"
    page = response.content.decode()
    assert LOCKED_EN in page and "30 minutes" in page and "city administrator" in page
    assert 'name="password"' in page

    # Even the right password is refused while the lock lasts.
    response = sign_in(client, "data-editor", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_in_the_visitors_language(client, editor):
    """Chinese by default (the zh-hans catalog's wording, whatever it is)."""
    for attempt in range(5):
        response = sign_in(client, "data-editor", f"wrong-{attempt}", language="zh-hans")
    assert response.status_code == 429
    with translation.override("zh-hans"):
        chinese = lockout_message()
    with translation.override("en"):
        english = lockout_message()
    assert chinese != english, "the zh-hans catalog lacks the lockout message"
    assert chinese in response.content.decode()


def test_an_address_is_locked_whatever_accounts_it_tries(client, editor):
    for attempt in range(5):
        sign_in(client, f"someone-{attempt}", "guess", address="203.0.113.50")
    # The real editor, from that address: refused; from another address: signed in.
    assert sign_in(client, "data-editor", PASSWORD, address="203.0.113.50").status_code == 429
    response = sign_in(client, "data-editor", PASSWORD, address="203.0.113.51")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_behind_the_proxy_the_address_is_the_one_the_rating_limit_reads(client, editor, settings):
    """PORTAL_CLIENT_IP_HEADER is one rule: the proxy's own address is not the visitor's."""
    settings.PORTAL_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for attempt in range(5):
        sign_in(
            client, f"someone-{attempt}", "guess", address="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9"
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()
    # Another visitor behind the same proxy still signs in.
    response = sign_in(
        client, "data-editor", PASSWORD, address="10.0.0.1", HTTP_X_REAL_IP="203.0.113.10"
    )
    assert response.status_code == 302


def test_a_city_administrator_lifts_a_lockout_in_the_admin(client, editor):
    for attempt in range(5):
        sign_in(client, "data-editor", f"wrong-{attempt}")
    assert sign_in(client, "data-editor", PASSWORD).status_code == 429

    admin = UserFactory(username="city-admin")
    admin.groups.add(city_admin_group())
    admin_client = client.__class__()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("portal_lockouts:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "data-editor" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="data-editor")
    response = admin_client.post(reverse("portal_lockouts:delete", args=[attempt.pk]))
    assert response.status_code == 302

    response = sign_in(client, "data-editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_department_editor_cannot_see_or_lift_lockouts(client, editor):
    for attempt in range(5):
        sign_in(client, "someone-else", f"wrong-{attempt}", address="198.51.100.1")
    attempt = AccessAttempt.objects.get(username="someone-else")
    client.force_login(editor)
    assert client.get(reverse("portal_lockouts:index")).status_code in (302, 403)
    response = client.post(reverse("portal_lockouts:delete", args=[attempt.pk]))
    assert response.status_code in (302, 403)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, message", [("en", "at least 12 characters"), ("zh-hans", "至少 12 个字符")]
)
def test_passwords_need_twelve_characters_in_the_users_language(db, language, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_password("Qx7!mZ2#pL")  # 10 characters, not common, not numeric
        assert any(message in text for text in refused.value.messages), refused.value.messages
        validate_password("Qx7!mZ2#pL9$")  # 12 characters


def test_the_admin_refuses_a_short_password_for_a_new_account(client, db):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "new-editor",
            "email": "new@example.gov.cn",
            "first_name": "新",
            "last_name": "编辑",
            "password1": "Qx7!mZ2#pL",
            "password2": "Qx7!mZ2#pL",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


# --- password reset ----------------------------------------------------------------------------


def test_without_mail_the_login_page_says_whom_to_ask_and_reset_is_off(client, db, settings):
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = False
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Forgotten password?" not in page
    assert "ask a city administrator" in page
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 404


def test_with_mail_the_login_page_offers_a_reset(client, db, settings):
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Forgotten password?" in page
    assert "ask a city administrator" not in page
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 200


@pytest.mark.parametrize(
    "backend, configured",
    [
        ("django.core.mail.backends.smtp.EmailBackend", True),
        ("django.core.mail.backends.console.EmailBackend", False),
        ("django.core.mail.backends.locmem.EmailBackend", False),
        ("django.core.mail.backends.dummy.EmailBackend", False),
    ],
)
def test_reset_is_on_only_with_a_backend_that_delivers(monkeypatch, backend, configured):
    """The settings' rule, as production reads it from the environment."""
    import importlib

    import portal.settings.base as base

    monkeypatch.delenv("PASSWORD_RESET", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    monkeypatch.setenv("EMAIL_BACKEND", backend)
    try:
        assert importlib.reload(base).WAGTAIL_PASSWORD_RESET_ENABLED is configured
        monkeypatch.delenv("EMAIL_BACKEND")
        assert importlib.reload(base).WAGTAIL_PASSWORD_RESET_ENABLED is False
        monkeypatch.setenv("EMAIL_HOST", "smtp.example.gov.cn")
        assert importlib.reload(base).WAGTAIL_PASSWORD_RESET_ENABLED is True
        monkeypatch.setenv("PASSWORD_RESET", "0")
        assert importlib.reload(base).WAGTAIL_PASSWORD_RESET_ENABLED is False
    finally:
        monkeypatch.undo()
        importlib.reload(base)


# --- logout ------------------------------------------------------------------------------------


def test_a_get_to_the_admin_logout_leaves_the_session_alone(client, editor):
    client.force_login(editor)
    session_key = client.cookies["sessionid"].value
    response = client.get(reverse("wagtailadmin_logout"))
    assert response.status_code == 405
    assert "sessionid" not in response.cookies
    assert client.cookies["sessionid"].value == session_key
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_post_to_the_admin_logout_signs_out(client, editor):
    client.force_login(editor)
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert response.cookies["sessionid"].value == ""
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
