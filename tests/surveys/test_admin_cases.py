"""Poor ratings answered in the admin (差评整改): the department's answer, the due date kept,
overdue cases flagged in the listing and on the dashboard, to the department and to the city."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.factories import DepartmentFactory, UserFactory
from surveys.factories import RectificationCaseFactory, SurveyFactory
from surveys.models import RectificationCase
from tests.builders import url

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(survey_world):
    return survey_world


@pytest.fixture
def en_client(client):
    """The admin in English (these screens' wording has no Chinese entry yet)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def answer_data(case, **fields):
    """The case form as an editor posts it when answering the resident."""
    return {
        "department": case.department_id,
        "survey": case.survey_id or "",
        "service": case.service_id or "",
        "title": case.title,
        "problem": case.problem,
        "reported_on": case.reported_on.isoformat(),
        "reply_kind": "",
        "replied_on": "",
        "explanation": "",
        "measures": "",
        "result": "",
        "status": "open",
        "resolved_on": "",
        "comment": case.comment,
    } | fields


# ---- answering --------------------------------------------------------------------------------


def test_editor_answers_a_poor_rating_and_the_answer_is_logged(client, world):
    case = world["overdue_a"]
    due = case.due_on
    client.force_login(world["editor"])
    form = client.get(url("surveys_case", "edit", case)).context["form"]
    assert "due_on" not in form.fields  # shown, never edited
    explained = answer_data(case, reply_kind="explained", replied_on=world["today"].isoformat())
    response = client.post(url("surveys_case", "edit", case), explained)
    assert response.status_code == 200
    assert "explanation" in response.context["form"].errors

    data = explained | {
        "explanation": "材料清单为法定要求，已电话说明。",
        "due_on": (due + 30 * DAY).isoformat(),  # ignored: not a field of the form
        # The editor masks the comment further before marking it moderated.
        "comment": "窗口人员态度差",
        "comment_moderated": "on",
    }
    response = client.post(url("surveys_case", "edit", case), data)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.reply_kind == "explained" and case.replied_on == world["today"]
    assert case.due_on == due
    assert case.comment == "窗口人员态度差" and case.comment_moderated
    assert not case.is_overdue(world["today"])
    entry = ModelLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RectificationCase),
        object_id=str(case.pk),
        action="wagtail.edit",
    )
    assert entry.user == world["editor"]


def test_a_case_cannot_name_another_departments_service(client, world):
    case = world["overdue_a"]
    client.force_login(world["editor"])
    form = client.get(url("surveys_case", "edit", case)).context["form"]
    assert list(form.fields["service"].queryset) == [world["service_a"]]
    response = client.post(
        url("surveys_case", "edit", case), answer_data(case, service=world["service_b"].pk)
    )
    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    case.refresh_from_db()
    assert case.service == world["service_a"]


# ---- the listing ------------------------------------------------------------------------------


def test_list_shows_due_date_answer_and_overdue_flag(en_client, world):
    RectificationCase.objects.filter(pk=world["case_a"].pk).update(
        due_on=world["today"] - 9 * DAY,
        reply_kind="rectified",
        replied_on=world["today"] - 10 * DAY,
    )
    en_client.force_login(world["editor"])
    html = en_client.get(url("surveys_case", "index")).content.decode()
    assert html.count("data-case-overdue") == 1  # overdue_a only: case_a was answered
    assert (world["today"] - 10 * DAY).isoformat() in html
    assert "Rectified" in html
    assert "公交差评待答复" not in html


def test_the_overdue_filter(client, world):
    client.force_login(world["editor"])
    html = client.get(url("surveys_case", "index") + "?overdue=true").content.decode()
    assert url("surveys_case", "edit", world["overdue_a"]) in html
    assert url("surveys_case", "edit", world["case_a"]) not in html
    html = client.get(url("surveys_case", "index") + "?overdue=false").content.decode()
    assert url("surveys_case", "edit", world["case_a"]) in html
    assert url("surveys_case", "edit", world["overdue_a"]) not in html
    client.force_login(world["city_admin"])
    html = client.get(url("surveys_case", "index") + "?overdue=true").content.decode()
    assert url("surveys_case", "edit", world["overdue_b"]) in html


def test_the_overdue_rule_is_the_models(world):
    today = world["today"]
    overdue = set(RectificationCase.objects.overdue(today))
    assert overdue == {world["overdue_a"], world["overdue_b"]}
    assert all(case.is_overdue(today) for case in overdue)
    # Due today is not overdue yet.
    assert not RectificationCase.objects.overdue(world["overdue_b"].due_on).filter(
        pk=world["overdue_b"].pk
    )


# ---- the dashboard: flagged to the department and to the city ----------------------------------


def dashboard(client) -> str:
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_department_sees_its_overdue_cases_on_the_dashboard(client, world):
    client.force_login(world["editor"])
    html = dashboard(client)
    assert 'id="surveys-overdue-cases-section"' in html
    assert 'data-overdue-count="1"' in html
    assert url("surveys_case", "edit", world["overdue_a"]) in html
    assert world["overdue_b"].title not in html
    assert "overdue-by-department" not in html


def test_the_city_sees_every_departments_overdue_cases_with_counts(client, world):
    RectificationCaseFactory(
        survey=world["survey_b"],
        title="公交第二件逾期",
        status="open",
        resolved_on=None,
        due_on=world["today"] - 5 * DAY,
    )
    client.force_login(world["city_admin"])
    html = dashboard(client)
    assert 'data-overdue-count="3"' in html
    assert world["overdue_a"].title in html and world["overdue_b"].title in html
    table = html[html.index('id="overdue-by-department"') :]
    table = table[: table.index("</table>")]
    # Department B first (2 cases), then A (1), each linked to its filtered listing.
    assert table.index("市交通局") < table.index("市政务服务中心")
    b = world["dept_b"].pk
    assert f'?department={b}&amp;overdue=true">2</a>' in table
    assert f'?department={world["dept_a"].pk}&amp;overdue=true">1</a>' in table


def test_no_panel_for_accounts_without_cases(client, world):
    # e.g. a report writer: the admin, but no rectification case permission.
    reader = UserFactory(username="report-writer")
    reader.user_permissions.add(*world["city_admins"].permissions.filter(codename="access_admin"))
    client.force_login(reader)
    assert 'id="surveys-overdue-cases-section"' not in dashboard(client)


def test_the_dashboard_panel_reads_a_bounded_number_of_queries(client, world):
    client.force_login(world["city_admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("wagtailadmin_home")).status_code == 200
        return len(captured)

    few = queries()
    for n in range(12):
        department = DepartmentFactory()
        RectificationCaseFactory(
            survey=SurveyFactory(department=department),
            title=f"逾期{n}",
            status="open",
            resolved_on=None,
            due_on=world["today"] - (n + 1) * DAY,
        )
    assert queries() == few


def test_a_cases_inspect_links_to_the_rating_that_opened_it(client, world):
    case, rating = world["overdue_a"], world["poor_a"]
    client.force_login(world["editor"])
    html = client.get(url("surveys_case", "inspect", case)).content.decode()
    assert f'href="{url("surveys_response", "inspect", rating)}"' in html
