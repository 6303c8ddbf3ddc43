"""The page cache: the data version every cached public page is keyed by and what bumps it, and
the rule that no page of today exercises: a form’s CSRF token is never cached; the key (host,
method)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import reverse

from portal import cache as portal_cache
from portal.factories import DepartmentFactory, GoalFactory

pytestmark = pytest.mark.django_db


def _bumps(callbacks) -> int:
    # Other apps queue their own work after the commit too (the search index).
    return sum(cb.__qualname__ == "_move_version" for cb in callbacks)


def test_saving_and_deleting_domain_rows_bumps_the_version(django_capture_on_commit_callbacks):
    before = portal_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        department = DepartmentFactory()
    saved = portal_cache.data_version()
    assert saved > before
    with django_capture_on_commit_callbacks(execute=True):
        department.delete()
    assert portal_cache.data_version() > saved


def test_changing_a_goals_co_departments_bumps_the_version(django_capture_on_commit_callbacks):
    goal = GoalFactory()
    other = DepartmentFactory()
    before = portal_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        goal.co_departments.add(other)
    assert portal_cache.data_version() > before


def test_the_bumps_of_one_transaction_move_the_version_once(django_capture_on_commit_callbacks):
    moves = []
    portal_cache.data_version_moved.connect(
        lambda **kwargs: moves.append(portal_cache.data_version()),
        weak=False,
        dispatch_uid="test-moves",
    )
    before = portal_cache.data_version()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            DepartmentFactory.create_batch(5)  # five saves, five bumps asked for
    finally:
        portal_cache.data_version_moved.disconnect(dispatch_uid="test-moves")
    assert moves == [before + 1]


def test_batched_bumps_bump_once_at_the_end(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with portal_cache.batched_bumps():
            departments = DepartmentFactory.create_batch(5)
            departments[0].delete()
    assert _bumps(callbacks) == 1  # not six
    # A bump asked for by code, not by a saved row (a recompute's), waits for the end too:
    # otherwise it moves the version when the block's transaction commits, and the block's own
    # bump once more after that (two open-data builds for one load).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with portal_cache.batched_bumps():
            DepartmentFactory()
            portal_cache.bump_data_version()
    assert _bumps(callbacks) == 1
    # Outside the block every change bumps again.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        DepartmentFactory.create_batch(2)
    assert _bumps(callbacks) == 2


# --- a page with a CSRF token (docs/decisions/0004-page-cache-csrf-scan.md) ---------------


def visit(view, rf):
    request = rf.get("/a-page/")
    request.user = AnonymousUser()
    return view(request)


def counting_view(template: str):
    """A cached public view rendering ``template``, counting how often it really renders."""
    renders = []

    @portal_cache.cached_public_page
    def view(request):
        renders.append(request)
        return HttpResponse(Template(template).render(RequestContext(request)))

    return view, renders


def test_a_page_with_a_form_token_is_rendered_for_every_visitor(rf):
    # A CSRF token belongs to one visitor's cookie: a cached copy would fail everyone else's
    # POST. Django renders the token as this hidden field; the cache looks for its name.
    view, renders = counting_view('<form method="post">{% csrf_token %}</form>')
    first, second = visit(view, rf), visit(view, rf)
    assert b'name="csrfmiddlewaretoken"' in first.content
    assert b'name="csrfmiddlewaretoken"' in second.content
    assert len(renders) == 2


def test_a_page_without_one_is_served_from_the_cache(rf):
    view, renders = counting_view("<p>{{ request.path }}</p>")
    assert visit(view, rf).content == visit(view, rf).content == b"<p>/a-page/</p>"
    assert len(renders) == 1


# --- the cache key -----------------------------------------------------------------------------


def test_a_copy_cached_under_another_host_is_not_served_to_this_one(client, world):
    # Downloads carry absolute links: a request under another allowed Host (ALLOWED_HOSTS
    # lists several in production: the site's names, an intranet alias) must not plant its
    # links in the copy every other visitor gets.
    url = reverse("portal:department_history_download", args=[world["dept_a"].slug, "json"])
    planted = client.get(url, HTTP_HOST="evil.example")
    assert "evil.example" in planted.json()["methodology_url"]
    served = client.get(url, HTTP_HOST="portal.example.gov.cn")
    assert served.json()["methodology_url"].startswith("http://portal.example.gov.cn/")


def test_a_head_request_is_answered_from_the_cached_copy(rf):
    view, renders = counting_view("<p>{{ request.path }}</p>")
    visit(view, rf)
    request = rf.head("/a-page/")
    request.user = AnonymousUser()
    assert view(request).status_code == 200
    assert len(renders) == 1
