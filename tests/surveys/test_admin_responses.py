"""Residents' ratings in the admin: read-only and scoped to the department, exported as CSV and
XLSX, invalidated with a reason that is in the audit log and out of every figure."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from portal.factories import DepartmentEditorFactory, UserFactory
from surveys.aggregation import aggregate_month
from surveys.factories import AnswerFactory, ResponseFactory
from surveys.models import Response, SurveyResult
from tests.builders import refused, url

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def world(survey_world):
    return survey_world


@pytest.fixture
def en_client(client):
    """The admin in English (these screens' wording has no Chinese entry yet)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def invalidation_entries(response):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Response),
        object_id=str(response.pk),
        action="surveys.invalidate_response",
    )


# ---- read-only and scoped ---------------------------------------------------------------------


def test_editor_lists_only_their_departments_ratings(client, world):
    client.force_login(world["editor"])
    html = client.get(url("surveys_response", "index")).content.decode()
    for own in ("response_a", "poor_a"):
        assert url("surveys_response", "inspect", world[own]) in html
    assert url("surveys_response", "inspect", world["response_b"]) not in html
    client.force_login(world["city_admin"])
    html = client.get(url("surveys_response", "index")).content.decode()
    assert url("surveys_response", "inspect", world["response_b"]) in html


@pytest.mark.parametrize("view", ["inspect", "history", "invalidate"])
def test_another_departments_rating_answers_404(client, world, view):
    client.force_login(world["editor"])
    response = client.get(url("surveys_response", view, world["response_b"]))
    assert response.status_code == 404 if view != "history" else refused(response)


def test_own_ratings_open_with_their_history_and_usage(client, world):
    client.force_login(world["editor"])
    for view in ("inspect", "history", "usage"):
        assert client.get(url("surveys_response", view, world["response_a"])).status_code == 200


def test_ratings_have_no_add_edit_or_delete_screen(client, world):
    client.force_login(world["city_admin"])
    pk = world["response_a"].pk
    for path in ("new/", f"edit/{pk}/", f"delete/{pk}/"):
        assert client.get(url("surveys_response", "index") + path).status_code == 404
    html = client.get(url("surveys_response", "index")).content.decode()
    assert url("surveys_response", "index") + "new/" not in html
    assert "/edit/" not in html and "/delete/" not in html
    Response.objects.get(pk=pk)  # still there


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("status=valid", ["response_a", "poor_a", "response_b"], []),
        ("service={service_b}", ["response_b"], ["response_a", "poor_a"]),
        ("survey={survey_a}", ["response_a", "poor_a"], ["response_b"]),
        ("period_from=2026-10-01&period_to=2026-10-31", ["response_a", "response_b"], []),
        ("period_from=2026-11-01", [], ["response_a", "response_b"]),
    ],
)
def test_ratings_are_filtered(client, world, query, shown, hidden):
    client.force_login(world["city_admin"])
    query = query.format(service_b=world["service_b"].pk, survey_a=world["survey_a"].pk)
    html = client.get(url("surveys_response", "index") + "?" + query).content.decode()
    for key in shown:
        assert url("surveys_response", "inspect", world[key]) in html
    for key in hidden:
        assert url("surveys_response", "inspect", world[key]) not in html


def test_inspect_shows_each_answer_and_never_the_client_key(client, world):
    client.force_login(world["editor"])
    html = client.get(url("surveys_response", "inspect", world["poor_a"])).content.decode()
    assert "2 · 不满意" in html
    assert "排队久; 材料多" in html
    assert "电话 138****5678" in html
    assert "key-a-2" not in html
    # The case the poor rating opened is one click away.
    assert url("surveys_case", "inspect", world["overdue_a"]) in html
    html = client.get(url("surveys_response", "inspect", world["response_a"])).content.decode()
    assert "4 · 满意" in html


# ---- export -----------------------------------------------------------------------------------

HEADINGS = [
    "Response",
    "Survey",
    "Service",
    "Channel",
    "Submitted at",
    "Status",
    "Reason for invalidation",
]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_has_a_row_per_rating_and_a_column_per_question(en_client, world):
    en_client.force_login(world["editor"])
    response = en_client.get(url("surveys_response", "index") + "?export=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    # Questions by key, else by their number in the survey (the comment is the third).
    assert rows[0] == [*HEADINGS, "overall", "reasons", "Q3"]
    poor, good = world["poor_a"], world["response_a"]
    assert rows[1] == [
        str(poor.pk),
        "不动产登记窗口调查",
        "不动产登记窗口",
        "Service window",
        "2026-10-15 10:30:00",  # the city's local time
        "Valid",
        "",
        "2",
        "排队久; 材料多",
        "电话 138****5678",
    ]
    assert rows[2][0] == str(good.pk) and rows[2][7:] == ["4", "", "'=1+1 窗口很好"]
    assert len(rows) == 3  # not department B's rating
    body = "\n".join(",".join(row) for row in rows)
    assert "key-a-" not in body and "key-b-" not in body


def test_xlsx_export_holds_the_same_rows_and_no_formula(en_client, world):
    en_client.force_login(world["city_admin"])
    response = en_client.get(
        url("surveys_response", "index") + f"?export=xlsx&survey={world['survey_a'].pk}"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*HEADINGS, "overall", "reasons", "Q3"]
    assert [row[0] for row in rows[1:]] == [world["poor_a"].pk, world["response_a"].pk]
    assert rows[1][7:] == [2, "排队久; 材料多", "电话 138****5678"]
    assert rows[2][4] == datetime.datetime(2026, 10, 14, 10, 30)
    cell = sheet.cell(row=3, column=10)
    assert cell.value == "=1+1 窗口很好" and cell.data_type == "s"  # text, never run


def test_export_of_several_surveys_shares_columns_by_key(en_client, world):
    en_client.force_login(world["city_admin"])
    rows = csv_rows(en_client.get(url("surveys_response", "index") + "?export=csv"))
    assert rows[0][len(HEADINGS) :] == ["overall", "reasons", "Q3"]
    bus = next(row for row in rows if row[0] == str(world["response_b"].pk))
    assert bus[1:4] == ["公交服务调查", "公交服务热线", "Hotline"] and bus[7:] == ["5", "", ""]


@pytest.mark.parametrize("query", ["?export=csv", "?export=xlsx", ""])
def test_listing_and_export_read_a_bounded_number_of_queries(client, world, query):
    client.force_login(world["editor"])
    listing = url("surveys_response", "index") + query

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(listing)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    few = queries()
    for n in range(15):
        rating = ResponseFactory(survey=world["survey_a"], service=world["service_a"])
        AnswerFactory(response=rating, question=world["overall_a"], level=1 + n % 5)
        AnswerFactory(response=rating, question=world["comment_a"], level=None, text=f"意见{n}")
    assert queries() == few


def test_export_follows_the_invalidated_filter(en_client, world):
    Response.objects.filter(pk=world["poor_a"].pk).update(
        invalidated_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
        invalid_reason="工作人员测试",
    )
    en_client.force_login(world["editor"])
    rows = csv_rows(
        en_client.get(url("surveys_response", "index") + "?export=csv&status=invalidated")
    )
    assert len(rows) == 2
    assert rows[1][0] == str(world["poor_a"].pk)
    assert rows[1][5:7] == ["Invalidated", "工作人员测试"]


# ---- invalidation -----------------------------------------------------------------------------


def test_editor_invalidates_a_rating_with_a_reason_and_it_is_logged(en_client, world):
    rating = world["poor_a"]
    en_client.force_login(world["editor"])
    inspect = url("surveys_response", "inspect", rating)
    invalidate = url("surveys_response", "invalidate", rating)
    assert invalidate in en_client.get(inspect).content.decode()  # the button
    form = en_client.get(invalidate)
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content

    refused_blank = en_client.post(invalidate, {"reason": "   "})
    assert refused_blank.status_code == 200
    assert "Give the reason" in str(refused_blank.context["form"].errors["reason"])
    rating.refresh_from_db()
    assert rating.is_valid and not invalidation_entries(rating).exists()

    response = en_client.post(invalidate, {"reason": "工作人员测试扫码"})
    assert response.status_code == 302 and response.url == inspect
    rating.refresh_from_db()
    assert not rating.is_valid
    assert rating.invalid_reason == "工作人员测试扫码"
    assert rating.invalidated_by == world["editor"]
    entry = invalidation_entries(rating).get()
    assert entry.user == world["editor"] and entry.data == {"reason": "工作人员测试扫码"}

    # The history reads it with its label and reason; the button is gone.
    history = en_client.get(url("surveys_response", "history", rating)).content.decode()
    assert "Invalidate rating" in history and "工作人员测试扫码" in history
    html = en_client.get(inspect).content.decode()
    assert invalidate not in html and "工作人员测试扫码" in html
    # A second time changes nothing.
    again = en_client.post(invalidate, {"reason": "再来一次"})
    assert again.status_code == 302
    assert invalidation_entries(rating).count() == 1


@pytest.mark.usefixtures("english")
def test_the_site_history_links_an_invalidation_to_the_rating(en_client, world):
    rating = world["poor_a"]
    en_client.force_login(world["editor"])
    en_client.post(url("surveys_response", "invalidate", rating), {"reason": "测试数据"})
    en_client.force_login(world["city_admin"])
    html = en_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Invalidate rating" in html
    assert url("surveys_response", "inspect", rating) in html


def test_the_log_action_has_a_readable_label(db):
    # Without the register_log_actions hook, the history would show the raw action name.
    label = log_action_registry.get_action_label("surveys.invalidate_response")
    assert str(label) == "Invalidate rating"


def test_another_departments_rating_cannot_be_invalidated(client, world):
    rating = world["response_b"]
    client.force_login(world["editor"])
    response = client.post(url("surveys_response", "invalidate", rating), {"reason": "不喜欢"})
    assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.is_valid and not invalidation_entries(rating).exists()


def test_only_who_may_change_ratings_may_invalidate(client, world):
    viewer = UserFactory(username="centre-viewer")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_response"])
    )
    DepartmentEditorFactory(user=viewer, department=world["dept_a"])
    rating = world["poor_a"]
    client.force_login(viewer)
    html = client.get(url("surveys_response", "inspect", rating)).content.decode()
    assert "2 · 不满意" in html
    assert url("surveys_response", "invalidate", rating) not in html
    assert (
        client.post(url("surveys_response", "invalidate", rating), {"reason": "x"}).status_code
        == 404
    )
    rating.refresh_from_db()
    assert rating.is_valid


def test_invalidation_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["editor"])
    rating = world["poor_a"]
    response = client.post(url("surveys_response", "invalidate", rating), {"reason": "测试"})
    assert response.status_code == 403
    rating.refresh_from_db()
    assert rating.is_valid


def test_an_invalidated_rating_leaves_the_aggregated_figures(client, world):
    survey = world["survey_a"]
    aggregate_month(OCTOBER)
    result = SurveyResult.objects.get(survey=survey, service__isnull=True, period=OCTOBER)
    assert result.responses == 2 and result.mean_score == 3
    client.force_login(world["editor"])
    response = client.post(
        url("surveys_response", "invalidate", world["poor_a"]), {"reason": "同一人重复评价"}
    )
    assert response.status_code == 302
    aggregate_month(OCTOBER)
    result.refresh_from_db()
    assert result.responses == 1 and result.mean_score == 4
    assert result.distribution["4"] == 1 and result.distribution["2"] == 0
