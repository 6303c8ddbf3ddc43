"""The demo city: what a visitor of the demo site and a reviewer of the brief would check."""

import datetime
import io
import random
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max
from wagtail import hooks
from wagtail.models import ModelLogEntry

from portal import permissions
from portal.demo import (
    CORRECTION_REASONS,
    DEFAULT_ADMIN_PASSWORD,
    DEMO_DATA_HOOK,
    DEPARTMENTS,
    EDITOR_SLUGS,
    GENERIC_INDICATORS,
    DemoExtension,
    build_demo_city,
    cycle_targets,
    data_fingerprint,
    department_specs,
    trajectory,
)
from portal.demo.extensions import demo_extensions
from portal.models import (
    Cycle,
    Department,
    Goal,
    HomePage,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
    Status,
)

TODAY = datetime.date(2026, 11, 26)
SMALL = 6  # departments in the small city used where the full one is not needed

# --------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------


def test_scale_ten_departments_have_unique_slugs_and_names():
    specs = department_specs(200)
    assert len(specs) == 200
    assert len({s.slug for s in specs}) == 200
    assert len({s.name for s in specs}) == 200
    assert "青川市东湖区公安分局" in {s.name for s in specs}
    # Past the ten districts a second round still stays unique.
    many = department_specs(400)
    assert len({s.slug for s in many}) == len({s.name for s in many}) == 400


def test_targets_always_leave_distance_to_go_in_the_right_direction():
    rng = random.Random(1)
    for tpl in [t for d in DEPARTMENTS for t in d.indicators] + list(GENERIC_INDICATORS):
        for year_index in range(3):
            for size in (1.0, 0.15):
                baseline, target = cycle_targets(tpl, year_index, size, rng)
                if tpl.direction == Indicator.Direction.LOWER:
                    assert 0 < target < baseline, tpl.name
                else:
                    assert baseline < target, tpl.name
                if tpl.unit == "%":
                    assert target <= 100, tpl.name


@pytest.mark.parametrize(
    ("profile", "low", "high"),
    [("green", 0.9, 9), ("yellow", 0.7, 0.9), ("red", -9, 0.7)],
)
def test_trajectories_pace_matches_the_intended_light(profile, low, high):
    rng = random.Random(7)
    months = list(range(1, 11))
    for _ in range(50):
        values = trajectory("cum", 0, 120, "个", 2, months, profile, rng)
        progress = values[10] / 120
        assert low <= progress / (10 / 12) < high
        assert list(values.values()) == sorted(values.values())  # counts never go down


def test_milestones_stay_within_zero_and_hundred_and_never_go_back():
    rng = random.Random(3)
    for _ in range(50):
        values = list(trajectory("milestone", 0, 100, "%", 0, range(1, 13), "green", rng).values())
        assert values == sorted(values)
        assert 0 <= values[0] and values[-1] <= 100


def test_no_data_profile_has_no_values():
    assert trajectory("rate", 1, 2, "%", 1, [1, 2, 3], "none", random.Random(1)) == {}


# --------------------------------------------------------------------------------------------
# The scale-1 city, loaded once for the module and rolled back afterwards
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    # One outer transaction for the module, rolled back at the end, so the city never leaks
    # into other test modules that expect an empty database.
    with django_db_blocker.unblock():
        with transaction.atomic():
            result = build_demo_city(scale=1, seed=2026, today=TODAY)
            yield result
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_scale_one_city_meets_the_brief(demo_city):
    assert Department.objects.count() >= 20
    assert sorted(Cycle.objects.values_list("year", flat=True)) == [2024, 2025, 2026]
    for cycle in Cycle.objects.all():
        goals = Goal.objects.filter(cycle=cycle)
        assert goals.count() >= 80
        assert set(goals.values_list("level", flat=True)) == {1, 2, 3}
        indicators = Indicator.objects.filter(goal__cycle=cycle)
        assert indicators.count() >= 400
        assert set(indicators.values_list("dimension", flat=True)) == set(Indicator.Dimension)
        assert set(indicators.values_list("direction", flat=True)) == set(Indicator.Direction)
    assert MeasurementCorrection.objects.filter(reason__in=CORRECTION_REASONS).exists()
    assert QualitativeReview.objects.count() == 3 * Department.objects.count()


@pytest.mark.django_db
def test_data_runs_to_the_month_before_today(demo_city):
    # No ordering: Measurement's default ordering joins every indicator for nothing.
    latest = (
        Measurement.objects.filter(indicator__goal__cycle__year=2026)
        .order_by()
        .aggregate(latest=Max("period"))["latest"]
    )
    assert latest == datetime.date(2026, 10, 1)
    months_2025 = set(
        Measurement.objects.filter(indicator__goal__cycle__year=2025)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    assert len(months_2025) == 12
    # Some indicators have no data at all yet; some skip months.
    assert Indicator.objects.filter(goal__cycle__year=2026, measurements__isnull=True).exists()


@pytest.mark.django_db
def test_every_status_colour_is_shown_after_recompute(demo_city):
    statuses = set(Indicator.objects.values_list("status", flat=True))
    assert {Status.GREEN, Status.YELLOW, Status.RED, Status.NO_DATA} <= statuses


@pytest.mark.django_db
def test_goal_tree_codes_and_smart_fields(demo_city):
    task = Goal.objects.filter(cycle__year=2026, level=Goal.Level.TASK).select_related(
        "parent__parent"
    )[0]
    assert task.parent.level == Goal.Level.DEPARTMENT
    assert task.parent.parent.level == Goal.Level.CITY
    assert task.code.startswith(task.parent.code)
    assert task.parent.code.startswith(task.parent.parent.code)
    assert task.measure and task.target_statement and task.source and task.deadline
    indicator = task.indicators.first()
    assert indicator.code.startswith(task.code + "-")
    assert indicator.methodology and indicator.source_description and indicator.unit
    assert Goal.objects.filter(co_departments__isnull=False).exists()
    assert Goal.objects.filter(source__contains="政府工作报告").exists()


@pytest.mark.django_db
def test_corrections_keep_history_and_audit_log(demo_city):
    correction = MeasurementCorrection.objects.select_related("measurement").first()
    assert correction.measurement.value == correction.new_value != correction.old_value
    assert ModelLogEntry.objects.filter(
        object_id=str(correction.measurement.pk), action="wagtail.edit"
    ).exists()


@pytest.mark.django_db
def test_demo_accounts_can_log_in_with_the_right_scope(demo_city):
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEFAULT_ADMIN_PASSWORD)
    editor = User.objects.get(username="editor_gonganju")
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("portal.change_measurement")
    assert not permissions.can_manage_all_departments(editor)
    assert list(permissions.editable_departments(editor).values_list("slug", flat=True)) == [
        "gonganju"
    ]
    city_admin = User.objects.get(username="city_admin")
    assert permissions.can_manage_all_departments(city_admin)
    assert city_admin.has_perm("portal.change_department")


@pytest.mark.django_db
def test_home_page_introduces_the_city_in_both_languages(demo_city):
    home = HomePage.objects.get()
    assert "青川市" in home.intro
    assert "Qingchuan" in home.intro_en


@pytest.mark.django_db
def test_the_city_publishes_reports_and_survey_results(demo_city, client):
    from disclosure.models import ReportKind, ReportPage
    from surveys.models import RectificationCase, Survey, SurveyResult

    reports = ReportPage.objects.visible()
    kinds = set(reports.values_list("kind", flat=True))
    assert {
        ReportKind.PERFORMANCE,
        ReportKind.PROGRESS,
        ReportKind.DISCLOSURE,
        ReportKind.MONTHLY,
    } <= kinds
    assert set(reports.values_list("year", flat=True)) == {2024, 2025, 2026}
    # The draft rules, and a department's monthly report drafted for review.
    drafts = ReportPage.objects.filter(live=False)
    assert sorted(drafts.values_list("kind", flat=True)) == [ReportKind.MONTHLY, "performance"]
    assert drafts.get(kind=ReportKind.MONTHLY).department.slug in EDITOR_SLUGS
    # The city's monthly report of the latest scored month, generated from the data.
    monthly = reports.get(kind=ReportKind.MONTHLY)
    assert (monthly.period, monthly.department) == (datetime.date(2026, 10, 1), None)
    assert client.get(monthly.url).status_code == 200
    # Department reports belong to the departments with demo editors.
    assert set(reports.exclude(department=None).values_list("department__slug", flat=True)) == set(
        EDITOR_SLUGS
    )
    annual = reports.get(year=2025, kind=ReportKind.PERFORMANCE, department=None)
    page = client.get(annual.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "部门综合得分" in html
    # The figure blocks, drawn on the server, as published (a snapshot of the live revision).
    assert "chart-svg" in html and "report-summary" in html
    assert annual.snapshots.filter(revision_id=annual.live_revision_id).exists()
    own = reports.exclude(department=None).first()
    assert "综合得分明细" in client.get(own.url).content.decode()
    # The statutory annual report: its three fixed tables, figures that add up (none kept
    # "as printed").
    statutory = reports.filter(kind=ReportKind.DISCLOSURE).first()
    tables = [b for b in statutory.body if b.block_type.startswith("annual_")]
    assert len(tables) == 3
    for table in tables:
        table.block.clean(table.value)
    text = client.get(statutory.url).content.decode()
    assert text.count('class="data-table annual-grid"') == 3 and "as-printed-mark" not in text
    # Every department has a survey; most publish their results, some keep them internal.
    assert set(Survey.objects.values_list("department", flat=True)) == set(
        Department.objects.values_list("pk", flat=True)
    )
    assert 0 < Survey.objects.filter(results_public=False).count() < Survey.objects.count() / 5
    assert SurveyResult.objects.filter(period__year=2026).exists()
    assert RectificationCase.objects.filter(public=True).exists()
    assert RectificationCase.objects.filter(public=False).exists()
    editor = get_user_model().objects.get(username="editor_gonganju")
    assert editor.has_perm("surveys.change_surveyresult")


# The demo's "today" is 2026-11-26: data as of October, residents' ratings from August.
RATED = [datetime.date(2026, month, 1) for month in (8, 9, 10)]


@pytest.mark.django_db
def test_departments_offer_services_on_every_channel_each_with_a_qr_address(demo_city, client):
    from surveys.models import Service, Survey

    channels = dict(Service.objects.values_list("channel").annotate(n=Count("pk")))
    assert set(channels) == set(Service.Channel.values)
    for department in Department.objects.annotate(n=Count("services")):
        assert 1 <= department.n <= 3, department.slug
    assert Department.objects.annotate(n=Count("services")).filter(n__gt=1).exists()
    for service in Service.objects.filter(channel=Service.Channel.WINDOW):
        assert "号窗口" in service.address
    for service in Service.objects.filter(channel=Service.Channel.ONLINE):
        assert service.url.startswith("https://")
    for service in Service.objects.filter(channel=Service.Channel.HOTLINE):
        assert re.search(r"\d{5}", service.address), service.address
    # Each department's survey covers all its services; scanning a window's code opens it.
    for survey in Survey.objects.filter(slug__endswith="-manyidu").prefetch_related("services"):
        assert set(survey.services.all()) == set(survey.department.services.all())
    window = Service.objects.filter(channel=Service.Channel.WINDOW).first()
    page = client.get(window.get_rating_url())
    assert page.status_code == 302
    assert f"service={window.slug}" in page["Location"]
    assert client.get(page["Location"]).status_code == 200


@pytest.mark.django_db
def test_one_survey_has_closed_and_one_is_not_open_yet(demo_city):
    from surveys.models import Survey

    closed = [s for s in Survey.objects.all() if s.closes_on and s.closes_on < TODAY]
    upcoming = [s for s in Survey.objects.all() if s.opens_on and s.opens_on > TODAY]
    assert len(closed) == 1 and len(upcoming) == 1
    assert not closed[0].is_open(TODAY) and not upcoming[0].is_open(TODAY)
    assert closed[0].results.exists()  # what it collected stays published
    # The others opened when the rating form went live, the first month of ratings.
    assert set(
        Survey.objects.filter(slug__endswith="-manyidu").values_list("opens_on", flat=True)
    ) == {RATED[0]}


@pytest.mark.django_db
def test_residents_ratings_are_stored_as_the_form_stores_them(demo_city):
    from surveys.models import Answer, Response

    responses = Response.objects.all()
    assert responses.count() > 1000
    assert set(responses.values_list("period", flat=True).distinct()) == set(RATED)
    assert responses.values("client_key").distinct().count() == responses.count()
    assert not responses.filter(submitted_at__date__gte=TODAY.replace(day=1)).exists()
    assert set(responses.values_list("channel", flat=True).distinct()) == {
        "window",
        "online",
        "hotline",
        "mobile",
    }
    # Mostly satisfied; some poor ratings, and only those answer "what was the main problem?".
    overall = Answer.objects.filter(question__key="overall")
    assert overall.count() == responses.count()
    poor = overall.filter(level__lte=2).count()
    assert 0.01 < poor / responses.count() < 0.15
    assert overall.filter(level__gte=4).count() / responses.count() > 0.7
    for answer in Answer.objects.filter(question__key="problem").select_related("response"):
        assert answer.response.answers.get(question__key="overall").level <= 2
    # Multiple choice: one row per option chosen, some residents choosing two.
    sources = Answer.objects.filter(question__key="sources")
    assert sources.values("response").annotate(n=Count("pk")).filter(n=2).exists()
    # Comments: some left a phone number, which the form masked before saving.
    texts = list(Answer.objects.exclude(text="").values_list("text", flat=True))
    assert len(texts) > 50
    assert any("＊＊＊＊" in text for text in texts)
    assert not any(re.search(r"1[3-9]\d{9}", text) for text in texts)


@pytest.mark.django_db
def test_ratings_become_results_and_move_the_satisfaction_indicators(demo_city):
    from surveys.aggregation import SOURCE_LABEL
    from surveys.models import Survey, SurveyResult

    aggregated = SurveyResult.objects.filter(origin=SurveyResult.Origin.AGGREGATED)
    assert set(aggregated.values_list("period", flat=True).distinct()) == set(RATED)
    assert set(aggregated.values_list("source", flat=True)) == {SOURCE_LABEL}
    assert aggregated.filter(service__isnull=False).exists()  # each service's own results
    # Older months keep the results editors entered, labelled as such; never both in a month.
    entered = SurveyResult.objects.filter(origin=SurveyResult.Origin.ENTERED)
    assert entered.filter(period__lt=RATED[0]).exists()
    assert not entered.filter(period__gte=RATED[0]).exists()
    survey = Survey.objects.filter(indicator__isnull=False, slug__endswith="-manyidu").first()
    for month in RATED:
        result = aggregated.get(survey=survey, service=None, period=month)
        assert result.responses == survey.responses.filter(period=month).count()
        assert result.score_low < result.score < result.score_high
        measurement = survey.indicator.measurements.get(period=month)
        assert measurement.source == "survey"
        assert measurement.value == result.score
        assert f"{result.responses} 份评价" in measurement.note


@pytest.mark.django_db
def test_poor_ratings_became_cases_answered_late_or_not_at_all(demo_city):
    from surveys.models import Answer, RectificationCase

    cases = RectificationCase.objects.filter(response__isnull=False)
    poor = Answer.objects.filter(question__key="overall", level__lte=2).count()
    assert cases.count() == poor
    assert not cases.filter(due_on__isnull=True).exists()
    for case in cases.select_related("response"):
        assert case.due_on > case.reported_on == case.response.day
    kinds = set(cases.values_list("reply_kind", flat=True))
    assert kinds == {"", *RectificationCase.Reply.values}
    explained = cases.filter(reply_kind=RectificationCase.Reply.EXPLAINED)
    assert not explained.filter(explanation="").exists()
    today = RATED[-1].replace(month=11)
    assert any(case.is_overdue(today) for case in cases)
    assert any(case.answered_on_time is False for case in cases)
    assert any(case.answered_on_time for case in cases)
    assert cases.filter(public=True, comment_moderated=True).exclude(comment="").exists()
    assert cases.filter(public=True, comment_moderated=False).exclude(comment="").exists()


# --------------------------------------------------------------------------------------------
# Determinism and re-running (a small city, inside each test's rolled-back transaction)
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_seed_gives_the_same_city_and_another_seed_does_not(demo_city):
    build_demo_city(seed=11, today=TODAY, department_count=SMALL, recompute=False)
    first_names = list(Department.objects.order_by("slug").values_list("name", "address"))
    first = data_fingerprint()
    build_demo_city(seed=11, today=TODAY, department_count=SMALL, recompute=False)
    assert list(Department.objects.order_by("slug").values_list("name", "address")) == (first_names)
    assert data_fingerprint() == first
    build_demo_city(seed=12, today=TODAY, department_count=SMALL, recompute=False)
    assert data_fingerprint() != first


def test_reports_then_surveys_join_the_demo_through_the_hook():
    # In INSTALLED_APPS order, as before the hook: the fixed seed's data depends on it.
    assert [extension.name for extension in demo_extensions()] == ["Reports", "Surveys"]


@pytest.mark.django_db
def test_an_app_registered_with_the_hook_is_flushed_first_and_built_last(demo_city):
    seen = []

    def flush():
        seen.append(("flush", Department.objects.exists()))

    def build(context):
        seen.append(("build", len(context.departments), Department.objects.count()))

    with hooks.register_temporarily(DEMO_DATA_HOOK, lambda: DemoExtension("Extra", build, flush)):
        build_demo_city(seed=11, today=TODAY, department_count=SMALL, recompute=False)
    # Flushed while the previous city still exists, built once the new one does.
    assert seen == [("flush", True), ("build", SMALL, SMALL)]


@pytest.mark.django_db
def test_running_the_command_twice_replaces_instead_of_duplicating(demo_city, monkeypatch):
    from disclosure.models import ReportPage
    from surveys.models import Survey, SurveyResult

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a-local-secret-9")

    def run():
        out = io.StringIO()
        call_command(
            "load_demo_data", "--today", "2026-11-26", "--departments", str(SMALL), stdout=out
        )
        return out.getvalue(), (
            Department.objects.count(),
            Goal.objects.count(),
            Indicator.objects.count(),
            Measurement.objects.count(),
            MeasurementCorrection.objects.count(),
            get_user_model().objects.filter(username__startswith="editor_").count(),
            ReportPage.objects.count(),
            Survey.objects.count(),
            SurveyResult.objects.count(),
        )

    first_output, first_counts = run()
    second_output, second_counts = run()
    assert first_counts == second_counts
    assert first_counts[0] == SMALL
    assert "http://127.0.0.1:8000/admin/" in second_output
    assert "admin / a-local-secret-9" in second_output
    assert get_user_model().objects.get(username="admin").check_password("a-local-secret-9")
    assert Measurement.objects.filter(value__lt=Decimal("0")).count() == 0


@pytest.mark.django_db
def test_the_command_refuses_a_scale_below_one_and_keeps_the_city(demo_city):
    departments = Department.objects.count()
    with pytest.raises(CommandError, match="--scale must be 1 or more"):
        call_command("load_demo_data", "--scale", "0", stdout=io.StringIO())
    assert Department.objects.count() == departments


@pytest.mark.django_db
def test_editing_after_a_load_still_refreshes_cached_pages(
    demo_city, django_capture_on_commit_callbacks
):
    # The loader mutes the per-row cache bumps while it runs; they must be back afterwards.
    from portal.cache import data_version

    before = data_version()
    department = Department.objects.get(slug="gonganju")
    with django_capture_on_commit_callbacks(execute=True):
        department.contact_phone = "0839-1234567"
        department.save()
    assert data_version() > before
