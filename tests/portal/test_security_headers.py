"""Response headers: a Content-Security-Policy with no inline script on public pages,
Permissions-Policy, Referrer-Policy, and production settings that pass `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from disclosure.factories import heading, make_report, paragraph
from portal.factories import UserFactory
from portal.models import Department, Goal, Indicator
from tests.builders import EN, YEAR, build_city, build_rating_survey, rate_url

pytestmark = pytest.mark.django_db

# An executable inline script: a <script> without src whose type is not data (JSON).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.fixture
def public_urls(wagtail_site):
    """One address of every kind of public page (each template the site renders)."""
    cycle = build_city()
    department = Department.objects.first()
    goal = Goal.objects.filter(cycle=cycle).first()
    indicator = Indicator.objects.first()
    report = make_report(
        f"{YEAR}年绩效报告",
        year=YEAR,
        department=department,
        body=[heading("一、总体情况"), paragraph("<p>全年工作情况。</p>")],
    )
    survey, service, _ = build_rating_survey(slug="window")
    return [
        "/",
        reverse("portal:department_index"),
        department.get_absolute_url(),
        goal.get_absolute_url(),
        indicator.get_absolute_url(),
        reverse("portal:rankings"),
        reverse("portal:accessibility"),
        reverse("portal:methodology"),
        "/reports/",
        report.url,
        "/search/?q=数据",
        reverse("surveys:index"),
        reverse("surveys:cases"),
        reverse("surveys:survey", kwargs={"slug": survey.slug}),
        reverse("surveys:service", kwargs={"slug": service.slug}),
        rate_url(survey, service),
        "/no-such-page/",
    ]


def test_public_pages_allow_only_our_own_scripts_and_have_none_inline(client, public_urls):
    for url in public_urls:
        for attempt in ("fresh", "cached"):
            response = client.get(url, **EN)
            assert response.status_code in (200, 404), url
            policy = directives(response)
            assert policy.get("script-src") == ["'self'"], (url, attempt, policy)
            assert policy.get("default-src") == ["'self'"], url
            assert policy.get("object-src") == ["'none'"], url
            assert policy.get("frame-ancestors") == ["'none'"], url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
            assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group(0))


def test_the_admin_gets_what_wagtail_needs_and_no_more(client, db):
    """Wagtail's admin writes inline scripts (date pickers, inline panels): under /admin/ only,
    scripts may be inline; everything else is as strict as on the public pages."""
    client.force_login(UserFactory(username="root", is_superuser=True))
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_login")):
        policy = directives(client.get(url))
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
    public = directives(client.get("/about/accessibility/"))
    assert public["script-src"] == ["'self'"]


def test_permissions_and_referrer_policies(client, wagtail_site):
    response = client.get(reverse("portal:accessibility"), **EN)
    features = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "PASSWORD_RESET"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "-production-test-only-not-a-real-secret-" + "q" * 20,
        DJANGO_ALLOWED_HOSTS="performance.example.gov.cn",
        **extra,
    )
    return env


def test_production_settings_pass_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_redirects_plain_http():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr
