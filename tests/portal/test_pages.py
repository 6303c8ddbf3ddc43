"""The public pages: what a visitor sees, bounded queries, robustness, language and caching."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from wagtail import hooks

from portal import evaluation
from portal.actions import record_measurement
from portal.cache import start_afresh
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    UserFactory,
)
from portal.models import (
    Department,
    Evaluation,
    Goal,
    Indicator,
    Status,
)
from portal.templatetags.portal_tags import month, num, pct, progress_bar, status_badge
from tests.builders import EN, YEAR, build_city

pytestmark = pytest.mark.django_db


def recompute(cycle) -> None:
    evaluation.recompute_cycle(cycle)


def count_queries(client, url) -> int:
    """The queries of a visit to ``url`` by a worker that holds nothing yet (the first page
    after a data change): no cached page, nothing held under the data version."""
    cache.clear()
    start_afresh()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **EN)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


# --- pages render what a visitor needs ------------------------------------------------------


def test_home_shows_goals_by_status_and_departments_with_scores(client):
    cycle = build_city()
    response = client.get("/", **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The city at a glance, {cycle.year}" in html
    assert "On track" in html  # status in words, not only a colour
    latest = Evaluation.objects.filter(cycle=cycle).latest("period")
    for e in Evaluation.objects.filter(cycle=cycle, period=latest.period).select_related(
        "department"
    ):
        assert e.department.name_en in html
        assert num(e.total, 1) in html
    assert "Latest data: March 2026." in html  # the as-of month of the figures
    assert "Newest reports" not in html  # no fake content when no reports app provides any


def test_home_shows_the_city_overall_light_rolled_up_from_every_indicator(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    cycle = build_city(departments=2, indicators_per_goal=2)
    indicators = Indicator.objects.filter(goal__cycle=cycle).order_by("pk")
    indicators.update(status=Status.GREEN, weight=Decimal(1))

    def city_light():
        html = client.get("/", **EN).content.decode()
        line = html[html.index('<h2 id="city-heading"') :]  # the headline card's title
        return line[: line.index("</h2>")]

    assert "On track" in city_light()
    # One of four equal weights red, three green: a share of 0.75 < 0.8, so the city lags.
    assert indicators.count() == 4
    Indicator.objects.filter(pk=indicators[0].pk).update(status=Status.RED)
    assert "Lagging" in city_light() and "Seriously" not in city_light()
    # The same red indicator weighing most turns the whole city red.
    Indicator.objects.filter(pk=indicators[0].pk).update(weight=Decimal(10))
    assert "Seriously lagging" in city_light()


def test_home_without_any_cycle_says_so(client):
    response = client.get("/", **EN)
    assert response.status_code == 200
    assert "No evaluation year has been published yet." in response.content.decode()


def test_department_page_shows_contact_goal_tree_indicators_and_traceable_points(client):
    cycle = build_city()
    department = Department.objects.filter(goals__level=Goal.Level.DEPARTMENT).first()
    response = client.get(department.get_absolute_url(), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert department.name_en in html and department.contact_phone in html
    for goal in Goal.objects.filter(cycle=cycle, owner=department):
        assert goal.title in html
    assert "Lead" in html and "Co-operating" in html  # owned and co-operated goals marked
    assert "City goal" in html and "Key task" in html
    for indicator in Indicator.objects.filter(goal__owner=department):
        assert indicator.name in html
        assert f"{num(indicator.latest_value)} {indicator.unit}" in html
    evaluation_row = Evaluation.objects.filter(department=department).latest("period")
    points = []
    for dimension in evaluation_row.breakdown["parts"]["goals"]["dimensions"].values():
        for item in dimension["indicators"]:
            assert item["name"] in html
            assert num(item["points"], 2) in html
            points.append(item["points"])
    assert num(evaluation_row.total, 2) in html
    assert "Results across years" in html
    assert "plotly-basic.min.js" in html  # the history chart loads the self-hosted plotly


def test_department_goal_tree_nests_tasks_and_shows_other_leads_ancestors_for_context(client):
    cycle = CycleFactory(year=YEAR)
    city, lead, helper = (DepartmentFactory(name_en=n) for n in ("City Hall", "Lead", "Helper"))
    city_goal = GoalFactory(cycle=cycle, level=Goal.Level.CITY, owner=city, title="城市目标")
    goal = GoalFactory(cycle=cycle, owner=lead, parent=city_goal, title="部门目标")
    task = GoalFactory(
        cycle=cycle, owner=lead, parent=goal, level=Goal.Level.TASK, title="重点任务"
    )
    task.co_departments.add(helper)
    GoalFactory(cycle=cycle, owner=city, parent=city_goal, title="无关目标")  # not the helper's

    html = client.get(helper.get_absolute_url(), **EN).content.decode()
    tree = html[html.index('<ul class="goal-tree">') :]
    # The co-operated task, inside its parent goal, inside the city goal: both shown for
    # context with their own lead department.
    assert tree.index("城市目标") < tree.index("部门目标") < tree.index("重点任务")
    assert "无关目标" not in html
    # The short names are Chinese: marked so on the English site.
    assert f'Lead: <span lang="zh-Hans">{city.display_short_name}</span>' in tree
    assert f'Lead: <span lang="zh-Hans">{lead.display_short_name}</span>' in tree
    assert f'Co-operating (lead: <span lang="zh-Hans">{lead.display_short_name}</span>)' in tree
    assert tree.count('<ul class="goal-tree__children">') == 2
    assert 'goal-node--co"' in tree and tree.count('goal-node--context"') == 2


def test_department_page_shows_every_month_of_the_year_and_each_years_final_score(client):
    department = DepartmentFactory(name_en="Tax Office")
    for year, months in ((YEAR - 1, 12), (YEAR, 3)):
        cycle = CycleFactory(year=year)
        goal = GoalFactory(cycle=cycle, owner=department)
        indicator = IndicatorFactory(goal=goal)
        for m in range(1, months + 1):
            record_measurement(indicator, datetime.date(year, m, 1), Decimal(5 * m + year % 7))
        recompute(cycle)

    def history_row(evaluation):
        return (
            f'<a href="?year={evaluation.cycle.year}">{evaluation.cycle.year}</a></th>'
            f'<td class="nowrap">{month(evaluation.period)}</td>'
            f'<td class="num">{num(evaluation.total, 1)}</td>'
        )

    finals = [
        Evaluation.objects.filter(department=department, cycle__year=y).latest("period")
        for y in (YEAR - 1, YEAR)
    ]
    with translation.override("en"):
        for shown, months in ((YEAR, 3), (YEAR - 1, 12)):
            html = client.get(f"{department.get_absolute_url()}?year={shown}", **EN)
            html = html.content.decode()
            monthly = html[html.index('id="monthly-caption"') : html.index('id="history-heading"')]
            assert monthly.count('<th scope="row" class="nowrap">') == months
            for e in Evaluation.objects.filter(department=department, cycle__year=shown):
                assert f'{month(e.period)}</th><td class="num">{num(e.total, 1)}</td>' in monthly
            history = html[html.index('id="history-caption"') :]
            # Both years, each with its final month's score, whichever year is shown.
            assert history.count('<tr><th scope="row">') == 2
            for final in finals:
                assert history_row(final) in history


def test_goal_page_shows_tree_departments_source_and_indicators(client):
    build_city()
    goal = Goal.objects.filter(level=Goal.Level.DEPARTMENT).select_related("owner").first()
    response = client.get(goal.get_absolute_url(), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert goal.title in html and goal.owner.name_en in html
    assert goal.parent.title in html
    assert goal.children.get().title in html
    assert goal.co_departments.get().name_en in html
    assert goal.source in html
    assert "Co-operating departments" in html
    for indicator in goal.indicators.all():
        assert indicator.name in html


def test_indicator_page_has_chart_table_method_source_and_corrections(client):
    build_city(months=3)
    indicator = Indicator.objects.first()
    editor = UserFactory(username="zhang.san")
    record_measurement(
        indicator, datetime.date(YEAR, 2, 1), Decimal("99"), user=editor, reason="录入错误更正"
    )
    response = client.get(indicator.get_absolute_url(), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert indicator.name in html
    assert indicator.methodology in html and indicator.source_description in html
    assert 'id="indicator-chart-data"' in html and "plotly-basic.min.js" in html
    assert "<caption" in html and 'scope="col"' in html
    assert len(response.context["rows"]) == 3
    assert "Data as of March 2026" in html
    assert "录入错误更正" in html and "99" in html
    assert "zhang.san" not in html  # a role, not a personal name
    for fmt in ("csv", "xlsx", "json"):
        assert reverse("portal:indicator_download", args=[indicator.code, fmt]) in html


def test_rankings_lists_departments_by_rank_with_parts_and_sorts(client):
    cycle = build_city(departments=3)
    response = client.get(reverse("portal:rankings"), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    ranked = [e.department.name_en for e in response.context["evaluations"]]
    latest = Evaluation.objects.filter(cycle=cycle).latest("period").period
    expected = [
        e.department.name_en
        for e in Evaluation.objects.filter(cycle=cycle, period=latest).order_by("rank")
    ]
    assert ranked == expected
    assert [html.index(name) for name in ranked] == sorted(html.index(name) for name in ranked)
    assert 'aria-sort="ascending"' in html
    assert "Qualitative review" in html and "Citizen satisfaction" in html
    by_total = client.get(reverse("portal:rankings") + "?sort=total", **EN)
    totals = [e.total for e in by_total.context["evaluations"]]
    assert totals == sorted(totals, reverse=True)
    assert 'aria-sort="descending"' in by_total.content.decode()


def test_rankings_month_parameter_picks_an_earlier_month(client):
    build_city(months=3)
    response = client.get(reverse("portal:rankings") + f"?month={YEAR}-02", **EN)
    assert response.context["month"] == datetime.date(YEAR, 2, 1)
    assert "February 2026" in response.content.decode()


def test_department_index_groups_by_category(client):
    build_city(departments=2)
    response = client.get(reverse("portal:department_index"), **EN)
    html = response.content.decode()
    assert "General administration" in html and "Social services" in html
    for department in Department.objects.all():
        assert department.name_en in html


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/departments/no-such-department/",
        f"/goals/{YEAR}/NO-SUCH-GOAL/",
        "/goals/1999/G0001/",
        "/indicators/NO-SUCH-INDICATOR/",
        "/indicators/NO-SUCH-INDICATOR/data.csv",
        "/lang/xx/",
    ],
)
def test_unknown_things_are_a_friendly_404(client, url):
    build_city(departments=1)
    response = client.get(url, **EN)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_download_format_is_404(client):
    build_city(departments=1)
    indicator = Indicator.objects.first()
    assert client.get(f"/indicators/{indicator.code}/data.pdf").status_code == 404


def test_unpublished_cycle_is_hidden(client):
    cycle = build_city(departments=1)
    cycle.published = False
    cycle.save()
    goal = Goal.objects.first()
    indicator = Indicator.objects.first()
    assert client.get(goal.get_absolute_url()).status_code == 404
    assert client.get(indicator.get_absolute_url()).status_code == 404
    assert client.get(reverse("portal:rankings"), **EN).context["evaluations"] == []


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?year=99999",
        "?year=2030",
        "?month=2026-13",
        "?month=abc&year=-1",
        "?sort=DROP%20TABLE",
        "?year=%00",
    ],
)
def test_malformed_query_parameters_are_ignored_not_500(client, query):
    build_city(departments=1)
    department = Department.objects.first()
    for path in ("/", "/departments/", department.get_absolute_url(), "/rankings/"):
        response = client.get(path + query, **EN)
        assert response.status_code == 200, path + query
    notice = client.get("/rankings/?year=abc", **EN).content.decode()
    assert "There is no published evaluation year" in notice


# --- bounded queries ------------------------------------------------------------------------


@pytest.mark.usefixtures("no_page_cache")
def test_query_count_does_not_grow_with_data(client):
    build_city(departments=2, indicators_per_goal=2, months=2)
    department = Department.objects.first()
    goal = Goal.objects.filter(owner=department, level=Goal.Level.DEPARTMENT).first()
    indicator = Indicator.objects.filter(goal=goal).first()
    urls = [
        "/",
        "/departments/",
        department.get_absolute_url(),
        goal.get_absolute_url(),
        indicator.get_absolute_url(),
        f"/indicators/{indicator.code}/data.json",
        f"/departments/{department.slug}/scores.json",
        "/rankings/",
    ]
    # A corrected figure costs the page one query for its corrections table, however many.
    record_measurement(indicator, datetime.date(YEAR, 1, 1), Decimal(49), reason="更正")
    for url in urls:  # what a worker loads once in its life (content types), not per page
        count_queries(client, url)
    before = {url: count_queries(client, url) for url in urls}
    # More of everything: departments, goals, indicators, months, corrections.
    Evaluation.objects.all().delete()
    cycle = build_city(departments=4, indicators_per_goal=4, months=5)
    for child in range(3):
        extra = IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=department, parent=goal))
        record_measurement(extra, datetime.date(YEAR, 1, 1), Decimal(child))
        goal.co_departments.add(DepartmentFactory())
        IndicatorFactory(goal=goal)
    for m in range(1, 6):
        record_measurement(indicator, datetime.date(YEAR, m, 1), Decimal(50 + m), reason="更正")
    Evaluation.objects.all().delete()
    recompute(cycle)
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
    assert before[department.get_absolute_url()] <= 15
    assert before[indicator.get_absolute_url()] <= 15


@pytest.mark.usefixtures("no_page_cache")
def test_page_queries_are_planned_once_per_connection(client):
    """PostgreSQL keeps the plan of a query a connection has run five times (production
    settings): the department page's goal tree is not planned again for every visitor."""
    build_city(departments=2)
    departments = list(Department.objects.all())
    for n in range(6):
        client.get(departments[n % 2].get_absolute_url(), **EN)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["WITH direct AS%"],
        )
        assert cursor.fetchone()[0] == 1


# --- caching, cookies, language -------------------------------------------------------------


def test_public_pages_are_cached_without_cookies_or_csrf(client):
    build_city(departments=1)
    indicator = Indicator.objects.first()
    url = indicator.get_absolute_url()
    first = client.get(url, **EN)
    assert not first.cookies
    assert b"csrfmiddlewaretoken" not in first.content
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url, **EN)
    assert second.content == first.content
    assert len(ctx.captured_queries) <= 2  # served from the shared cache


def test_new_measurement_and_recompute_change_the_cached_page(
    client, django_capture_on_commit_callbacks
):
    cycle = build_city(departments=1, months=2)
    indicator = Indicator.objects.first()
    url = indicator.get_absolute_url()
    assert "12345.5" not in client.get(url, **EN).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("12345.5"))
        Evaluation.objects.filter(cycle=cycle).delete()
        recompute(cycle)
    html = client.get(url, **EN).content.decode()
    assert "12,345.5" in html or "12345.5" in html
    assert "Data as of March 2026" in html


def test_language_switch_sets_cookie_and_returns_to_the_page(client):
    build_city(departments=1)
    response = client.get("/lang/en/?next=/rankings/%3Fyear%3D2026")
    assert response.status_code == 302
    assert response["Location"] == "/rankings/?year=2026"
    page = client.get("/rankings/?year=2026").content.decode()
    assert '<html lang="en"' in page and "Department rankings" in page
    client.get("/lang/zh-hans/?next=/")
    assert '<html lang="zh-Hans"' in client.get("/rankings/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_language_switch_refuses_foreign_next(client, target):
    response = client.get("/lang/en/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_base_layout_is_accessible_by_construction(client):
    build_city(departments=1)
    html = client.get("/departments/", **EN).content.decode()
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert html.count('aria-pressed="false"') == 2  # large text, high contrast buttons
    assert "<button" in html and "/lang/zh-hans/?next=" in html
    assert "Accessibility statement" in html and "CC BY 4.0" in html
    assert "plotly" not in html  # plotly.js only on chart pages
    assert client.get(reverse("portal:accessibility"), **EN).status_code == 200
    assert client.get(reverse("portal:methodology"), **EN).status_code == 200


# --- template helpers (no database needed, but cheap) ---------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [(None, "—"), (float("nan"), "—"), (Decimal("1234.5000"), "1,234.5"), (3, "3"), (-0.001, "0")],
)
def test_num_formats_numbers_for_people(value, expected):
    assert num(value) == expected


def test_progress_bar_shows_the_share_in_words_and_clips_the_bar():
    with translation.override("en"):
        bar = str(progress_bar(1.7, 0.333))
        empty = str(progress_bar(None))
    # The text says what the bar shows; the bar itself is hidden from screen readers.
    assert '<span class="progress__track" aria-hidden="true">' in bar
    assert 'style="width: 100.0%"' in bar and 'style="left: 33.3%"' in bar  # clipped bar
    assert '<span class="progress__text">170% <span class="muted">/ expected 33%</span>' in bar
    assert 'style="width: 0%"' in empty and '<span class="progress__text">—</span>' in empty


def test_status_badge_has_words_and_a_distinct_shape():
    badges = {status: str(status_badge(status)) for status in Status.values}
    assert len({re.sub(r"<span.*", "", b.split("<svg")[1]) for b in badges.values()}) == len(badges)
    with translation.override("en"):
        assert "On track" in str(status_badge("green"))
    assert pct(0.8) == "80%" and month("2026-10") != "—"


def test_home_shows_reports_and_surveys_only_when_an_app_provides_them(client):
    build_city(departments=1)
    assert "Open surveys" not in client.get("/", **EN).content.decode()

    def surveys_panel(request, cycle):
        return {"open_surveys": [{"title": "窗口服务评价", "url": "/s/1/"}]}

    with hooks.register_temporarily("portal_home_panels", surveys_panel):
        html = client.get("/?fresh=1", **EN).content.decode()
    assert "Open surveys" in html and "窗口服务评价" in html


def test_department_page_shows_the_panels_other_apps_provide(client):
    build_city(departments=1)
    department = Department.objects.first()

    def ratings_panel(request, shown, cycle):
        assert shown == department
        return format_html('<section class="panel"><h2>Ratings of {}</h2></section>', shown.slug)

    def nothing_to_show(request, shown, cycle):
        return ""

    with (
        hooks.register_temporarily("portal_department_panels", ratings_panel),
        hooks.register_temporarily("portal_department_panels", nothing_to_show),
    ):
        html = client.get(department.get_absolute_url() + "?fresh=1", **EN).content.decode()
    assert f"<h2>Ratings of {department.slug}</h2>" in html
