"""What tests share: builders for a small city, the default site, the vendored real data and
the admin's refusal check.

Plain functions, called by the fixtures in ``tests/conftest.py`` or directly by a test that
needs a variant (``build_city(departments=3)``). A test module never imports helpers from
another test module: what two modules need lives here.
"""

from __future__ import annotations

import datetime
import io
import re
import socket
from decimal import Decimal
from pathlib import Path

import openpyxl
from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, ModelLogEntry, Page, Site

from portal import evaluation
from portal.actions import record_measurement
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    QualitativeReviewFactory,
    UserFactory,
)
from portal.models import Department, Goal, HomePage, Measurement, MeasurementCorrection
from surveys.factories import ServiceFactory, SurveyFactory, SurveyQuestionFactory
from surveys.models import SurveyQuestion

# Real published data, copied with its source (tests/data/README.md); the tests read nothing
# outside the repository.
REALDATA = Path(__file__).resolve().parent / "data"

# Request headers for the public site in each language.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# The year of the city that build_city() builds.
YEAR = 2026


# ---- the site -------------------------------------------------------------------------------


def ensure_default_site():
    """Return the default Wagtail site, rebuilding root page, home page and site if missing.

    Migrations create them, but a transactional test (``transactional_db``, ``live_server``)
    ends by flushing every table, so the tests after it would find no home page at ``/``.
    """
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


# ---- the demo's database, emulated ------------------------------------------------------------

SQLITE_MIN, SQLITE_MAX = -(2**63), 2**63 - 1


def _as_sqlite_binds(execute, sql, params, many, context):
    for row in params if many else [params]:
        values = row.values() if isinstance(row, dict) else (row or ())
        for value in values:
            # Compared, not `in range(...)`: that scans for an int subclass (an IntEnum).
            if isinstance(value, int) and not SQLITE_MIN <= value <= SQLITE_MAX:
                raise OverflowError("Python int too large to convert to SQLite INTEGER")
    return execute(sql, params, many, context)


def sqlite_integer_binds():
    """Refuse, as SQLite's driver does, an integer parameter beyond 64 bits (OverflowError).

    The demo runs on SQLite, where such a number from a query string fails the request, while
    PostgreSQL compares it as a numeric: inside this context manager the suite on PostgreSQL
    finds what would fail on SQLite."""
    from django.db import connection

    return connection.execute_wrapper(_as_sqlite_binds)


# ---- a small city for the public pages -------------------------------------------------------


def build_city(departments=2, indicators_per_goal=2, months=3, year=YEAR):
    """A cycle with departments, a city goal, department goals, key tasks and measurements,
    recorded through the domain's action and recomputed, as an editor's entries would be."""
    cycle = CycleFactory(year=year)
    owners = [
        DepartmentFactory(category=Department.Category.SOCIAL if n % 2 else "general")
        for n in range(departments)
    ]
    city_goal = Goal.objects.filter(cycle=cycle, level=Goal.Level.CITY).first() or GoalFactory(
        cycle=cycle, level=Goal.Level.CITY, owner=owners[0], title="建设人民满意的服务型政府"
    )
    for n, department in enumerate(owners):
        goal = GoalFactory(cycle=cycle, owner=department, parent=city_goal)
        goal.co_departments.add(owners[(n + 1) % len(owners)])
        task = GoalFactory(cycle=cycle, owner=department, parent=goal, level=Goal.Level.TASK)
        for k in range(indicators_per_goal):
            indicator = IndicatorFactory(goal=goal if k % 2 == 0 else task)
            for m in range(1, months + 1):
                record_measurement(indicator, datetime.date(year, m, 1), Decimal(10 * m + n))
        QualitativeReviewFactory(department=department, cycle=cycle)
    evaluation.recompute_cycle(cycle)
    return cycle


# ---- two departments and their editors, for the admin ----------------------------------------

EDITOR_MODELS = ("goal", "indicator", "measurement")
ALL_MODELS = (
    "goal",
    "indicator",
    "measurement",
    "department",
    "cycle",
    "qualitativereview",
    "departmenteditor",
)


def group_with(name: str, codenames: list[str]) -> Group:
    """A group with these portal permissions and access to the admin."""
    group, _ = Group.objects.get_or_create(name=name)
    perms = Permission.objects.filter(
        content_type__app_label="portal", codename__in=codenames
    ) | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.set(perms)
    return group


def editor_group() -> Group:
    """What a city gives its department staff: full rights on goals, indicators, measurements."""
    codenames = [f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in EDITOR_MODELS]
    return group_with("部门填报员", [*codenames, "view_department"])


def city_admin_group() -> Group:
    """City administrators: every model, every department (not superusers)."""
    codenames = [f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in ALL_MODELS]
    return group_with("市级管理员", [*codenames, "manage_all_departments"])


def build_world() -> dict:
    """Departments A and B with a goal, indicator and measurement each; an editor of A; admins."""
    cycle = CycleFactory(year=2025)
    dept_a = DepartmentFactory(name="市数据局", slug="data-bureau", sort_order=1)
    dept_b = DepartmentFactory(name="市交通局", slug="transport-bureau", sort_order=2)
    goal_a = GoalFactory(cycle=cycle, owner=dept_a, code="2025-01", title="数据共享")
    goal_b = GoalFactory(cycle=cycle, owner=dept_b, code="2025-02", title="公交准点")
    ind_a = IndicatorFactory(goal=goal_a, code="A-01", name="数据开放率")
    ind_b = IndicatorFactory(goal=goal_b, code="B-01", name="公交准点率")
    meas_a = MeasurementFactory(indicator=ind_a, period=datetime.date(2025, 3, 1), value=11)
    meas_b = MeasurementFactory(indicator=ind_b, period=datetime.date(2025, 3, 1), value=22)
    editor = UserFactory(username="data-editor")
    editor.groups.add(editor_group())
    DepartmentEditorFactory(user=editor, department=dept_a)
    city_admin = UserFactory(username="city-admin")
    city_admin.groups.add(city_admin_group())
    return {
        "cycle": cycle,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "goal_a": goal_a,
        "goal_b": goal_b,
        "ind_a": ind_a,
        "ind_b": ind_b,
        "meas_a": meas_a,
        "meas_b": meas_b,
        "review_b": QualitativeReviewFactory(department=dept_b, cycle=cycle),
        "editor": editor,
        "city_admin": city_admin,
    }


# ---- admin requests --------------------------------------------------------------------------


def url(namespace: str, view: str, obj=None) -> str:
    """The URL of a viewset's view: ``url("portal_goal", "edit", goal)``."""
    return reverse(f"{namespace}:{view}", args=[obj.pk] if obj is not None else [])


def refused(response) -> bool:
    """Wagtail answers a refusal with 403/404, or a redirect to the dashboard with a message."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url.rstrip("/").endswith("/admin")


# ---- surveys: two departments' services, surveys, ratings and cases, for the admin -----------


def build_survey_world() -> dict:
    """Departments A and B, each with a service, a survey, residents' ratings, a month of
    results and cases (one of each department overdue); an editor of A and a city
    administrator, with the groups' survey permissions as the demo grants them."""
    # Imported here: the portal-only tests need no surveys app module.
    from surveys.actions import open_case_for
    from surveys.factories import (
        AnswerFactory,
        RectificationCaseFactory,
        ResponseFactory,
        ServiceFactory,
        SurveyFactory,
        SurveyQuestionFactory,
        SurveyResultFactory,
    )
    from surveys.models import RectificationCase, SurveyQuestion
    from surveys.permissions import grant_group_permissions

    today = timezone.localdate()
    dept_a = DepartmentFactory(name="市政务服务中心", slug="service-centre", sort_order=1)
    dept_b = DepartmentFactory(name="市交通局", slug="transport-bureau", sort_order=2)
    service_a = ServiceFactory(department=dept_a, name="不动产登记窗口", slug="land-window")
    service_b = ServiceFactory(
        department=dept_b, name="公交服务热线", slug="bus-hotline", channel="hotline"
    )
    survey_a = SurveyFactory(
        department=dept_a, title="不动产登记窗口调查", slug="land", services=[service_a]
    )
    survey_b = SurveyFactory(
        department=dept_b, title="公交服务调查", slug="bus", services=[service_b]
    )
    overall_a = SurveyQuestionFactory(survey=survey_a, key="overall", sort_order=0)
    reasons_a = SurveyQuestionFactory(
        survey=survey_a,
        key="reasons",
        sort_order=1,
        text="不满意的原因",
        kind=SurveyQuestion.Kind.MULTIPLE,
        scale="",
        options=["排队久", "态度差", "材料多"],
        show_if_key="overall",
        show_if_answers=["不满意", "非常不满意"],
    )
    comment_a = SurveyQuestionFactory(
        survey=survey_a, sort_order=2, text="您的建议", kind="text", scale="", options=[]
    )
    overall_b = SurveyQuestionFactory(survey=survey_b, key="overall", sort_order=0)

    def rating(survey, service, day, answers, client):
        response = ResponseFactory(
            survey=survey,
            service=service,
            channel=service.channel,
            client_key=client,
            submitted_at=datetime.datetime(2026, 10, day, 2, 30, tzinfo=datetime.UTC),
        )
        for question, value in answers:
            if isinstance(value, int):
                AnswerFactory(response=response, question=question, level=value)
            elif question.kind == SurveyQuestion.Kind.TEXT:
                AnswerFactory(response=response, question=question, level=None, text=value)
            else:
                for choice in value:
                    AnswerFactory(response=response, question=question, level=None, choice=choice)
        return response

    response_a = rating(
        survey_a, service_a, 14, [(overall_a, 4), (comment_a, "=1+1 窗口很好")], "key-a-1"
    )
    poor_a = rating(
        survey_a,
        service_a,
        15,
        [(overall_a, 2), (reasons_a, ["排队久", "材料多"]), (comment_a, "电话 138****5678")],
        "key-a-2",
    )
    response_b = rating(survey_b, service_b, 15, [(overall_b, 5)], "key-b-1")
    result_a = SurveyResultFactory(survey=survey_a, source="本站评价A")
    result_b = SurveyResultFactory(survey=survey_b, source="热线回访B")
    case_a = RectificationCaseFactory(survey=survey_a, title="窗口排队整改")
    case_b = RectificationCaseFactory(survey=survey_b, title="公交晚点整改")
    # A poor rating's case, past its due date and unanswered; and one of B.
    overdue_a = open_case_for(poor_a, 2, comment="电话 138****5678", today=today)
    RectificationCase.objects.filter(pk=overdue_a.pk).update(
        due_on=today - datetime.timedelta(days=3), reported_on=today - datetime.timedelta(days=10)
    )
    overdue_a.refresh_from_db()
    overdue_b = RectificationCaseFactory(
        survey=survey_b,
        service=service_b,
        title="公交差评待答复",
        status=RectificationCase.Status.OPEN,
        reported_on=today - datetime.timedelta(days=12),
        resolved_on=None,
        due_on=today - datetime.timedelta(days=1),
        public=False,
    )

    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    city_admins = Group.objects.create(name="市级管理员")
    city_admins.permissions.add(
        *access_admin,
        *Permission.objects.filter(
            content_type__app_label="portal", codename="manage_all_departments"
        ),
    )
    editors = Group.objects.create(name="部门编辑")
    editors.permissions.add(*access_admin)
    grant_group_permissions(city_admins, editors)
    editor = UserFactory(username="centre-editor")
    editor.groups.add(editors)
    DepartmentEditorFactory(user=editor, department=dept_a)
    city_admin = UserFactory(username="city-admin")
    city_admin.groups.add(city_admins)
    return {
        "today": today,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "service_a": service_a,
        "service_b": service_b,
        "survey_a": survey_a,
        "survey_b": survey_b,
        "overall_a": overall_a,
        "reasons_a": reasons_a,
        "comment_a": comment_a,
        "response_a": response_a,
        "poor_a": poor_a,
        "response_b": response_b,
        "result_a": result_a,
        "result_b": result_b,
        "case_a": case_a,
        "case_b": case_b,
        "overdue_a": overdue_a,
        "overdue_b": overdue_b,
        "editors": editors,
        "city_admins": city_admins,
        "editor": editor,
        "city_admin": city_admin,
    }


# ---- residents' ratings ---------------------------------------------------------------


def build_rating_survey(**fields):
    """An open survey of one service: an overall satisfaction question, a reason asked only
    of the dissatisfied, multiple choice, and a comment of at most 200 characters."""
    service = ServiceFactory()
    survey = SurveyFactory(department=service.department, **fields)
    survey.services.add(service)
    overall = SurveyQuestionFactory(survey=survey, key="overall", required=True, sort_order=0)
    reason = SurveyQuestionFactory(
        survey=survey,
        key="reason",
        sort_order=1,
        text="您不满意的主要原因是？",
        text_en="What was the main reason?",
        kind=SurveyQuestion.Kind.CHOICE,
        scale="",
        options=["排队时间长", "态度不好", "材料要求不清"],
        required=True,
        show_if_key="overall",
        show_if_answers=["不满意", "非常不满意"],
    )
    channels = SurveyQuestionFactory(
        survey=survey,
        key="how",
        sort_order=2,
        text="您是如何了解到本服务的？",
        text_en="How did you hear of the service?",
        kind=SurveyQuestion.Kind.MULTIPLE,
        scale="",
        options=["网站", "微信", "窗口告知"],
    )
    comment = SurveyQuestionFactory(
        survey=survey,
        key="comment",
        sort_order=3,
        text="您的意见和建议",
        text_en="Anything else?",
        kind=SurveyQuestion.Kind.TEXT,
        scale="",
        options=[],
        max_length=200,
    )
    return survey, service, (overall, reason, channels, comment)


def captcha_from(html: str) -> tuple[str, str]:
    """The captcha key shown in the form and its answer (read from the store, as a person
    would read the picture)."""
    key = re.search(r'name="captcha_0" value="(\w+)"', html).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


def rate_url(survey, service=None) -> str:
    url = reverse("surveys:rate", kwargs={"slug": survey.slug})
    return f"{url}?service={service.slug}" if service else url


# ---- the measurement import --------------------------------------------------------------


def csv_file(rows, header="indicator_code,period,value,note,source", encoding="utf-8"):
    lines = [header, *rows] if header is not None else list(rows)
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))


def xlsx_file(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def import_snapshot():
    """What a failed import must leave untouched."""
    return (
        Measurement.objects.count(),
        MeasurementCorrection.objects.count(),
        ModelLogEntry.objects.count(),
    )


def build_import_world() -> dict:
    """Two departments with indicators in 2025, an editor of the first one, an administrator
    (the measurement import's tests)."""
    cycle = CycleFactory(year=2025)
    own = DepartmentFactory(name="市数据局", slug="data-bureau")
    other = DepartmentFactory(name="市交通局", slug="transport-bureau")
    goal = GoalFactory(cycle=cycle, owner=own, code="2025-01")
    other_goal = GoalFactory(cycle=cycle, owner=other, code="2025-02")
    editor = UserFactory(username="data-editor")
    DepartmentEditorFactory(user=editor, department=own)
    admin = UserFactory(username="city-admin", is_superuser=True)
    return {
        "cycle": cycle,
        "own": own,
        "other": other,
        "editor": editor,
        "admin": admin,
        "rate": IndicatorFactory(goal=goal, code="A-01", unit="%"),
        "count": IndicatorFactory(goal=goal, code="A-02", unit="件"),
        "foreign": IndicatorFactory(goal=other_goal, code="B-01", unit="%"),
    }


def survey_form_data(department, slug="new-survey", questions=()):
    """Form data for the admin's survey screen, with its inline questions formset."""
    data = {
        "department": department.pk,
        "title": "户籍窗口满意度调查",
        "title_en": "",
        "slug": slug,
        "description": "",
        "indicator": "",
        "results_public": "on",
        "active": "on",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for n, question in enumerate(questions):
        fields = {
            "id": "",
            "ORDER": str(n + 1),
            "DELETE": "",
            "text": "",
            "text_en": "",
            "hint": "",
            "kind": "scale",
            "scale": "satisfaction",
            "options": "",
            "max_length": "",
            "indicator": "",
            "key": "",
            "show_if_key": "",
            "show_if_answers": "",
        } | question
        data |= {f"questions-{n}-{key}": value for key, value in fields.items()}
    return data


def free_port() -> int:
    """A loopback port nothing listens on now (for a server a test starts, or one it lacks)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- the public read API: published and unpublished data side by side ------------------------


def build_api_world() -> dict:
    """A published 2026 city of three departments (build_city), an unpublished 2027 cycle
    with a goal, an indicator and a figure, the survey world, and reports: one published,
    one draft and one behind a password."""
    from wagtail.models import PageViewRestriction

    from disclosure.factories import make_report

    ensure_default_site()
    cycle = build_city(departments=3, months=3)
    department = Department.objects.order_by("sort_order", "pk").first()
    hidden_cycle = CycleFactory(year=2027, published=False)
    hidden_goal = GoalFactory(cycle=hidden_cycle, owner=department, code="2027-01")
    hidden = IndicatorFactory(goal=hidden_goal, code="HIDDEN-01", name="未发布指标")
    MeasurementFactory(indicator=hidden, period=datetime.date(2027, 1, 1), value=5)
    report = make_report("2026年度绩效报告", year=2026, department=department)
    draft = make_report("未发布的草稿", year=2026, publish=False)
    restricted = make_report("内部报告", year=2026)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    return {
        "cycle": cycle,
        "department": department,
        "hidden_cycle": hidden_cycle,
        "hidden": hidden,
        "report": report,
        "draft": draft,
        "restricted": restricted,
        **build_survey_world(),
    }
