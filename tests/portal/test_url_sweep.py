"""No 500 from any input: every public URL pattern, resolved from the URLconf with its path
parameters taken from factory-built objects, is requested with malformed query strings and
every method; each answer is a page, a notice, a redirect or a 4xx, never an unhandled error
(a 500; the search API's documented 503 "search unavailable" is an answer) (issue 13).

One world for the module and one request per (address, battery entry), the query strings
putting every parameter the site reads at once, so the sweep takes seconds.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import Page, PageViewRestriction

from disclosure.factories import chart, make_report, report_index
from portal.models import Indicator
from surveys.factories import (
    RectificationCaseFactory,
    ServiceFactory,
    SurveyFactory,
    SurveyQuestionFactory,
)
from tests.builders import build_city, ensure_default_site, sqlite_integer_binds

# Query parameters the public pages and downloads read (portal.params, search.forms, the
# report list, the rating form, the language switch, Django's i18n view).
PARAMS = (
    "year", "month", "department", "page", "kind", "sort", "q", "type", "dimension",
    "status", "year_from", "year_to", "service", "channel", "next", "language", "fmt",
)  # fmt: skip

# Malformed values, each put into every parameter at once.
BATTERY = {
    "huge": "99999999999999999999",
    "huge negative": "-99999999999999999999",
    "bigint edge": "9223372036854775808",
    "int edge": "2147483648",
    "negative": "-1",
    "zero": "0",
    "float": "1e308",
    "not a number": "abc",
    "unicode digits": "٢٠٢٦",
    "unicode": "营商环境☃\U0001f600",
    "nul byte": "a\x00b",
    "control": "\x01\x1f\x7f",
    "long": "9" * 5000,
    "long text": "测" * 3000,
    "percent junk": "%ff%fe%00",
    "empty": "",
    "spaces": "   ",
    "quotes": "\"'<>&;",
    "path": "../../etc/passwd",
    "month junk": "2026-13",
    "month huge": "99999-01",
}
METHODS = ("get", "head", "post", "put", "delete", "options")

# Library apps mounted beside ours: the admin has its own sweep (login first), static and media
# files are the web server's, Wagtail's document serving is the documents app's own.
SKIPPED_PREFIXES = ("admin/", "documents/", "static/", "media/")


def public_routes() -> dict[str, object]:
    """Every named pattern outside the skipped prefixes, by its full name: its route or regex."""
    found: dict[str, object] = {}

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else route
                found[name] = entry

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture(scope="module")
def addresses(django_db_setup, django_db_blocker):
    """The addresses of every public route (a route's first one is its page), from a small
    city, a survey of a service with a public case, and a report behind a password."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_default_site()  # a transactional test before this one may have flushed the pages
        cycle = build_city(departments=1, indicators_per_goal=1, months=2)
        indicator = Indicator.objects.filter(goal__cycle=cycle).select_related("goal").first()
        goal, department = indicator.goal, indicator.goal.owner
        service = ServiceFactory(department=department)
        survey = SurveyFactory(department=department, services=[service])
        SurveyQuestionFactory(survey=survey, key="overall")
        case = RectificationCaseFactory(survey=survey)
        index = report_index()
        report = make_report("2025年绩效报告", department=department)
        restriction = PageViewRestriction.objects.create(
            page=make_report("内部报告"), restriction_type="password", password="secret"
        )
        charted = make_report("2025年指标报告", body=[chart(indicator.code)])
        block_id, snapshot = charted.body[0].id, charted.snapshots.get()
        huge = 99999999999999999999
        formats = ("csv", "xlsx", "json", "pdf")
        key = {"key": "0" * 40}
        kwargs = {
            "portal:department_index": [{}],
            "portal:department": [{"slug": department.slug}, {"slug": "no-such"}],
            "portal:department_history_download": [
                {"slug": department.slug, "fmt": f} for f in formats
            ],
            "portal:goal": [{"year": cycle.year, "code": goal.code}, {"year": 0, "code": "x"}],
            "portal:indicator": [{"code": indicator.code}],
            "portal:indicator_download": [{"code": indicator.code, "fmt": f} for f in formats],
            "portal:rankings": [{}],
            "portal:rankings_download": [{"fmt": f} for f in formats],
            "opendata:catalogue": [{}],
            "opendata:download": [
                *({"key": f"measurements-{cycle.year}", "fmt": f} for f in formats),
                {"key": "rankings", "fmt": "csv"},
                {"key": "no-such", "fmt": "csv"},
            ],
            "portal:switch_language": [{"code": "en"}, {"code": "xx"}],
            "portal:accessibility": [{}],
            "portal:methodology": [{}],
            "push:measurements": [{}],
            "search:search": [{}],
            "search:api": [{}],
            "disclosure:index": [{}],
            "disclosure:feed": [{}],
            "disclosure:department_feed": [{"department": department.slug}, {"department": "x"}],
            "disclosure:block": [
                *({"page_id": charted.pk, "block_id": block_id, "fmt": f} for f in formats),
                {"page_id": huge, "block_id": block_id, "fmt": "csv"},
            ],
            "disclosure:version": [
                {"page_id": charted.pk, "snapshot_id": snapshot.pk},
                {"page_id": charted.pk, "snapshot_id": huge},
            ],
            "disclosure:version_block": [
                {"page_id": charted.pk, "snapshot_id": snapshot.pk, "block_id": block_id, "fmt": f}
                for f in formats
            ]
            + [{"page_id": huge, "snapshot_id": huge, "block_id": "x", "fmt": "csv"}],
            "surveys:index": [{}],
            "surveys:cases": [{}],
            "surveys:case": [{"pk": case.pk}, {"pk": 99999999999999999999}],
            "surveys:rate_service": [{"slug": service.slug}],
            "surveys:service": [{"slug": service.slug}],
            "surveys:service_download": [{"slug": service.slug, "fmt": f} for f in formats],
            "surveys:service_qr": [{"slug": service.slug}],
            "surveys:service_poster": [{"slug": service.slug}],
            "surveys:rate": [{"slug": survey.slug}],
            "surveys:thanks": [{"slug": survey.slug}],
            "surveys:survey_download": [{"slug": survey.slug, "fmt": f} for f in formats],
            "surveys:survey": [{"slug": survey.slug}],
            "set_language": [{}],
            "captcha-image": [key],
            "captcha-image-2x": [key],
            "captcha-audio": [key],
            "captcha-refresh": [{}],
            "wagtailcore_login": [{}],
            "wagtailcore_authenticate_with_password": [
                {"page_view_restriction_id": restriction.pk, "page_id": restriction.page_id},
                {"page_view_restriction_id": 99999999999999999999, "page_id": 1},
            ],
        }
        api_lists = ("department", "cycle", "goal", "indicator", "measurement", "evaluation")
        api_lists += ("report", "survey-result", "case")
        kwargs |= {f"api:{name}-list": [{}] for name in api_lists}
        kwargs |= {f"api:{name}": [{}] for name in ("root", "goal-tree", "schema", "docs")}
        kwargs["api:evaluation-detail"] = [
            {"slug": department.slug, "year": cycle.year},
            {"slug": department.slug, "year": huge},
        ]
        urls = {name: [reverse(name, kwargs=k) for k in values] for name, values in kwargs.items()}
        # Wagtail serves the page tree at its catch-all pattern.
        urls["wagtail_serve"] = [Page.objects.get(depth=2).url, index.url, report.url]
        yield urls
        transaction.set_rollback(True)


def _names_with_serve(routes) -> set[str]:
    # Wagtail's page-serving patterns are unnamed regexes.
    return {"wagtail_serve" if name.startswith("^") else name for name in routes}


@pytest.fixture(autouse=True)
def _sqlite_integer_binds():
    with sqlite_integer_binds():
        yield


@pytest.fixture
def client():
    # Every failure of a battery is listed, not only the first one raised.
    from django.test import Client

    return Client(raise_request_exception=False)


def test_every_public_route_is_in_the_sweep(addresses):
    # A new public route fails here until the sweep knows how to address it.
    assert _names_with_serve(public_routes()) <= set(addresses)


def _query(value: str) -> str:
    return "&".join(f"{p}={quote(value, safe='%')}" for p in PARAMS)


@pytest.mark.parametrize("label", list(BATTERY))
def test_malformed_query_strings_never_answer_500(client, db, addresses, label):
    query = _query(BATTERY[label])
    failures = []
    for urls in addresses.values():
        response = client.get(f"{urls[0]}?{query}")
        if response.status_code == 500:
            failures.append((urls[0], response.status_code))
    assert not failures, failures


def test_repeated_and_mixed_parameters_never_answer_500(client, db, addresses):
    repeated = "&".join(f"{p}={v}" for p in PARAMS for v in ("1", "99999999999999999999", "x"))
    many = "&".join(f"department={n}" for n in range(500))
    failures = []
    for urls in addresses.values():
        for query in (repeated, many, "year=2026&year=abc", "=&&=&a", "%"):
            response = client.get(f"{urls[0]}?{query}")
            if response.status_code == 500:
                failures.append((urls[0], query[:40], response.status_code))
    assert not failures, failures


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_answered_without_500(client, db, addresses, method):
    failures = []
    for urls in addresses.values():
        for url in urls:
            response = getattr(client, method)(url)
            if response.status_code == 500:
                failures.append((url, response.status_code))
    assert not failures, failures


def test_every_public_page_answers_head_as_it_answers_get(client, db, addresses):
    # Link checkers, monitors and caches ask with HEAD (RFC 9110: a server that supports GET
    # should support HEAD); a 405 there reads as "the page is gone".
    differing = []
    for urls in addresses.values():
        for url in urls:
            get, head = client.get(url), client.head(url)
            # A stored file (the open-data downloads) is streamed: its body is streaming_content.
            body = b"".join(head.streaming_content) if head.streaming else head.content
            if head.status_code != get.status_code or body:
                differing.append((url, get.status_code, head.status_code))
    assert not differing, differing


# --- the admin's own viewsets: crafted ids and filters -----------------------------------------

CRAFTED_IDS = ("abc", "99999999999999999999", "-1", "1.5")
CRAFTED_FILTERS = (
    "?department=99999999999999999999&cycle=abc&owner=-1&survey=99999999999999999999"
    "&service=%00&p=99999999999999999999&ordering=nonsense&period_after=99999-01-01&q=%00"
)


def _viewset_namespaces() -> list[str]:
    namespaces = get_resolver().namespace_dict
    return sorted(n for n in namespaces if n.startswith(("portal_", "surveys_")))


def test_crafted_admin_requests_to_our_viewsets_never_answer_500(client, db):
    from django.urls import NoReverseMatch

    from portal.factories import UserFactory

    client.force_login(UserFactory(username="sweeper", is_superuser=True))
    failures, tried = [], 0
    for namespace in _viewset_namespaces():
        for view, args in [("index", [])] + [
            (v, [pk]) for v in ("edit", "delete", "inspect") for pk in CRAFTED_IDS
        ]:
            try:
                url = reverse(f"{namespace}:{view}", args=args)
            except NoReverseMatch:
                continue
            for query in ("", CRAFTED_FILTERS):
                tried += 1
                response = client.get(url + query)
                if response.status_code == 500:
                    failures.append((url + query[:30], response.status_code))
    assert tried > 50  # the viewsets were found
    assert not failures, failures
