"""The editors' survey screens: department scoping, restricted choices and the audit log."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.factories import (
    CycleFactory,
    GoalFactory,
    IndicatorFactory,
    UserFactory,
)
from portal.models import Indicator
from surveys.models import RectificationCase, Service, Survey, SurveyQuestion, SurveyResult
from surveys.permissions import EDITOR_CODENAMES, POLICIES
from tests.builders import refused, survey_form_data, url


@pytest.fixture
def world(survey_world):
    return survey_world


def result_data(survey, period="2026-02-14", **fields):
    return {
        "survey": survey.pk,
        "period": period,
        "responses": "80",
        "mean_score": "4.10",
        "satisfied_share": "86.5",
        "source": "本站评价",
        "note": "",
    } | fields


def case_data(department, survey=None, **fields):
    return {
        "department": department.pk,
        "survey": survey.pk if survey else "",
        "title": "新整改案例",
        "problem": "群众反映材料要求不清。",
        "measures": "公布一次性告知清单。",
        "result": "",
        "status": "open",
        "reported_on": "2026-03-01",
        "resolved_on": "",
    } | fields


# ---- lists and other departments' objects -----------------------------------------------------


@pytest.mark.parametrize(
    "namespace, own, other",
    [
        ("surveys_service", "不动产登记窗口", "公交服务热线"),
        ("surveys_survey", "不动产登记窗口调查", "公交服务调查"),
        ("surveys_response", "不动产登记窗口调查", "公交服务调查"),
        ("surveys_result", "本站评价A", "热线回访B"),
        ("surveys_case", "窗口排队整改", "公交晚点整改"),
    ],
)
def test_editor_lists_only_their_department(client, world, namespace, own, other):
    client.force_login(world["editor"])
    response = client.get(url(namespace, "index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert own in content and other not in content
    client.force_login(world["city_admin"])
    content = client.get(url(namespace, "index")).content.decode()
    assert own in content and other in content


@pytest.mark.parametrize(
    "namespace, key",
    [
        ("surveys_service", "service_b"),
        ("surveys_survey", "survey_b"),
        ("surveys_result", "result_b"),
        ("surveys_case", "case_b"),
    ],
)
@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history"])
def test_other_departments_objects_cannot_be_opened(client, world, namespace, key, view):
    client.force_login(world["editor"])
    response = client.get(url(namespace, view, world[key]))
    assert response.status_code == 404 if view == "edit" else refused(response)


def test_own_objects_open_for_the_editor(client, world):
    client.force_login(world["editor"])
    for namespace, key in [
        ("surveys_service", "service_a"),
        ("surveys_survey", "survey_a"),
        ("surveys_result", "result_a"),
        ("surveys_case", "case_a"),
    ]:
        assert client.get(url(namespace, "edit", world[key])).status_code == 200


def test_posting_an_edit_of_another_departments_survey_changes_nothing(client, world):
    survey = world["survey_b"]
    client.force_login(world["editor"])
    response = client.post(
        url("surveys_survey", "edit", survey), survey_form_data(world["dept_a"], slug=survey.slug)
    )
    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.title == "公交服务调查" and survey.department == world["dept_b"]


# ---- choices restricted to the editor's departments -------------------------------------------


def test_editor_forms_offer_only_their_departments(client, world):
    client.force_login(world["editor"])
    form = client.get(url("surveys_survey", "add")).context["form"]
    assert list(form.fields["department"].queryset) == [world["dept_a"]]
    assert form.initial["department"] == world["dept_a"].pk
    form = client.get(url("surveys_result", "add")).context["form"]
    assert list(form.fields["survey"].queryset) == [world["survey_a"]]
    form = client.get(url("surveys_case", "add")).context["form"]
    assert list(form.fields["department"].queryset) == [world["dept_a"]]
    assert list(form.fields["survey"].queryset) == [world["survey_a"]]
    assert "survey" not in form.initial  # optional: narrowed, not chosen for the editor


def test_survey_and_question_indicator_choices_are_the_editors_own(client, world):
    cycle = CycleFactory(year=2026)
    own_goal = GoalFactory(cycle=cycle, owner=world["dept_a"])
    own_satisfaction = IndicatorFactory(goal=own_goal, dimension=Indicator.Dimension.SATISFACTION)
    own_output = IndicatorFactory(goal=own_goal, dimension=Indicator.Dimension.OUTPUT)
    other = IndicatorFactory(
        goal=GoalFactory(cycle=cycle, owner=world["dept_b"]),
        dimension=Indicator.Dimension.SATISFACTION,
    )
    client.force_login(world["editor"])
    form = client.get(url("surveys_survey", "add")).context["form"]
    assert list(form.fields["indicator"].queryset) == [own_satisfaction]
    question_form = form.formsets["questions"].empty_form
    assert set(question_form.fields["indicator"].queryset) == {own_satisfaction, own_output}
    data = survey_form_data(
        world["dept_a"], questions=[{"text": "总体满意度", "indicator": str(other.pk)}]
    )
    response = client.post(url("surveys_survey", "add"), data)
    assert response.status_code == 200
    assert "indicator" in response.context["form"].formsets["questions"].forms[0].errors
    assert not Survey.objects.filter(slug="new-survey").exists()
    client.force_login(world["city_admin"])
    form = client.get(url("surveys_survey", "add")).context["form"]
    assert set(form.fields["indicator"].queryset) == {own_satisfaction, other}


def test_editor_cannot_create_for_another_department(client, world):
    client.force_login(world["editor"])
    response = client.post(url("surveys_survey", "add"), survey_form_data(world["dept_b"]))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Survey.objects.filter(slug="new-survey").exists()

    response = client.post(url("surveys_result", "add"), result_data(world["survey_b"]))
    assert "survey" in response.context["form"].errors
    assert not SurveyResult.objects.filter(survey=world["survey_b"], period="2026-02-01").exists()

    response = client.post(
        url("surveys_case", "add"), case_data(world["dept_a"], world["survey_b"])
    )
    assert "survey" in response.context["form"].errors
    response = client.post(url("surveys_case", "add"), case_data(world["dept_b"]))
    assert "department" in response.context["form"].errors
    assert not RectificationCase.objects.filter(title="新整改案例").exists()


def test_editor_cannot_move_their_case_to_another_department(client, world):
    case = world["case_a"]
    client.force_login(world["editor"])
    response = client.post(url("surveys_case", "edit", case), case_data(world["dept_b"]))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    case.refresh_from_db()
    assert case.department == world["dept_a"]


# ---- creating, with validation and the audit log ----------------------------------------------


def log_entries(instance, action):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        action=action,
    )


def test_editor_creates_a_survey_with_questions_and_it_is_in_the_audit_log(client, world):
    client.force_login(world["editor"])
    data = survey_form_data(
        world["dept_a"],
        questions=[
            {
                "text": "您对办理速度是否满意？",
                "options": "非常满意\n满意\n一般\n不满意\n非常不满意",
            },
            {"text": "您的建议", "kind": "text", "scale": "", "max_length": "200"},
        ],
    )
    response = client.post(url("surveys_survey", "add"), data)
    assert response.status_code == 302, response.context["form"].errors
    survey = Survey.objects.get(slug="new-survey")
    assert survey.department == world["dept_a"]
    questions = list(survey.questions.all())
    assert [q.text for q in questions] == ["您对办理速度是否满意？", "您的建议"]
    assert questions[0].options == ["非常满意", "满意", "一般", "不满意", "非常不满意"]
    assert questions[1].kind == "text" and questions[1].max_length == 200
    entry = log_entries(survey, "wagtail.create").get()
    assert entry.user == world["editor"]


def test_question_rules_are_enforced_in_the_admin(client, world):
    client.force_login(world["editor"])
    data = survey_form_data(
        world["dept_a"], questions=[{"text": "满意吗？", "options": "满意\n一般\n不满意"}]
    )
    response = client.post(url("surveys_survey", "add"), data)
    assert response.status_code == 200
    errors = response.context["form"].formsets["questions"].forms[0].errors
    assert "必须恰好有五个选项" in str(errors["options"])
    assert not Survey.objects.filter(slug="new-survey").exists()
    assert not SurveyQuestion.objects.filter(text="满意吗？").exists()


def test_results_and_cases_are_created_validated_and_logged(client, world):
    client.force_login(world["editor"])
    response = client.post(
        url("surveys_result", "add"), result_data(world["survey_a"], mean_score="7")
    )
    assert response.status_code == 200
    assert "应在 1.00 至 5.00 之间" in str(response.context["form"].errors["mean_score"])
    response = client.post(url("surveys_result", "add"), result_data(world["survey_a"]))
    assert response.status_code == 302
    result = SurveyResult.objects.get(survey=world["survey_a"], period=datetime.date(2026, 2, 1))
    assert log_entries(result, "wagtail.create").get().user == world["editor"]
    # The same month again (another day of it) is refused, not silently duplicated.
    response = client.post(
        url("surveys_result", "add"), result_data(world["survey_a"], period="2026-02-27")
    )
    assert response.status_code == 200
    assert "该调查当月已有结果" in str(response.context["form"].errors)

    response = client.post(
        url("surveys_case", "add"),
        case_data(world["dept_a"], world["survey_a"], status="done"),
    )
    assert "resolved_on" in response.context["form"].errors
    response = client.post(
        url("surveys_case", "add"),
        case_data(world["dept_a"], world["survey_a"], status="done", resolved_on="2026-03-09"),
    )
    assert response.status_code == 302
    case = RectificationCase.objects.get(title="新整改案例")
    assert log_entries(case, "wagtail.create").get().user == world["editor"]


def test_edits_are_in_the_audit_log(client, world):
    case = world["case_a"]
    client.force_login(world["editor"])
    data = case_data(
        world["dept_a"],
        world["survey_a"],
        title="窗口排队整改（更新）",
        status="done",
        reported_on="2026-02-03",
        resolved_on="2026-03-20",
        public="on",
    )
    assert client.post(url("surveys_case", "edit", case), data).status_code == 302
    case.refresh_from_db()
    assert case.title == "窗口排队整改（更新）"
    assert log_entries(case, "wagtail.edit").get().user == world["editor"]


# ---- permissions and policies -----------------------------------------------------------------


def test_editors_may_not_delete(client, world):
    client.force_login(world["editor"])
    assert refused(client.post(url("surveys_case", "delete", world["case_a"])))
    assert RectificationCase.objects.filter(pk=world["case_a"].pk).exists()
    client.force_login(world["city_admin"])
    assert client.post(url("surveys_case", "delete", world["case_b"])).status_code == 302
    assert not RectificationCase.objects.filter(pk=world["case_b"].pk).exists()


def test_group_permissions_granted_to_editors_and_city_admins(world):
    editors = Group.objects.get(name="部门编辑")
    codenames = set(
        editors.permissions.filter(content_type__app_label="surveys").values_list(
            "codename", flat=True
        )
    )
    assert codenames == set(EDITOR_CODENAMES)
    assert editors.permissions.filter(codename="access_admin").exists()  # kept, not replaced
    city = Group.objects.get(name="市级管理员")
    assert city.permissions.filter(codename="delete_survey").exists()


def test_policies_scope_instances(world):
    editor = world["editor"]
    assert list(POLICIES[Survey].instances_user_has_permission_for(editor, "change")) == [
        world["survey_a"]
    ]
    assert list(POLICIES[SurveyResult].instances_user_has_permission_for(editor, "view")) == [
        world["result_a"]
    ]
    policy = POLICIES[RectificationCase]
    assert policy.user_has_permission_for_instance(editor, "change", world["case_a"])
    assert not policy.user_has_permission_for_instance(editor, "change", world["case_b"])
    assert policy.user_has_permission_for_instance(world["city_admin"], "change", world["case_b"])


def test_an_editor_without_a_department_link_gets_nothing(client, world):
    stranger = UserFactory(username="no-department")
    stranger.groups.add(Group.objects.get(name="部门编辑"))
    assert not POLICIES[Survey].user_has_permission(stranger, "add")
    client.force_login(stranger)
    assert refused(client.get(url("surveys_survey", "index")))


def test_the_menu_shows_the_survey_screens(client, world):
    client.force_login(world["editor"])
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    for namespace in ("surveys_service", "surveys_survey", "surveys_response", "surveys_case"):
        assert url(namespace, "index") in content


def test_options_are_edited_one_per_line(client, world):
    SurveyQuestion.objects.create(
        survey=world["survey_a"],
        sort_order=0,
        text="办理是否便捷？",
        kind="scale",
        scale="ease",
        options=["非常便捷", "便捷", "一般", "不便捷", "非常不便捷"],
    )
    client.force_login(world["editor"])
    html = client.get(url("surveys_survey", "edit", world["survey_a"])).content.decode()
    assert "非常便捷\n便捷\n一般\n不便捷\n非常不便捷</textarea>" in html
    assert "[&quot;" not in html  # not shown as JSON


# ---- services: their own screen, QR code and poster -------------------------------------------


def service_data(department, **fields):
    return {
        "department": department.pk,
        "slug": "household-window",
        "name": "户籍窗口",
        "name_en": "Household registration window",
        "channel": "window",
        "address": "市民中心一楼 3 号窗口",
        "url": "",
        "active": "on",
    } | fields


def test_editor_adds_a_service_of_their_department_only_and_it_is_logged(client, world):
    client.force_login(world["editor"])
    form = client.get(url("surveys_service", "add")).context["form"]
    assert list(form.fields["department"].queryset) == [world["dept_a"]]
    response = client.post(url("surveys_service", "add"), service_data(world["dept_b"]))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Service.objects.filter(slug="household-window").exists()

    response = client.post(url("surveys_service", "add"), service_data(world["dept_a"]))
    assert response.status_code == 302
    service = Service.objects.get(slug="household-window")
    assert service.department == world["dept_a"]
    assert log_entries(service, "wagtail.create").get().user == world["editor"]


def test_editor_cannot_move_their_service_to_another_department(client, world):
    service = world["service_a"]
    client.force_login(world["editor"])
    data = service_data(world["dept_b"], slug=service.slug, name=service.name)
    response = client.post(url("surveys_service", "edit", service), data)
    assert "department" in response.context["form"].errors
    service.refresh_from_db()
    assert service.department == world["dept_a"]


def test_service_list_shows_channel_and_address_and_filters_by_channel(client, world):
    client.force_login(world["city_admin"])
    content = client.get(url("surveys_service", "index")).content.decode()
    assert "市民中心二楼 12 号窗口" in content
    content = client.get(url("surveys_service", "index") + "?channel=hotline").content.decode()
    assert "公交服务热线" in content and "不动产登记窗口</a>" not in content
    dept = world["dept_a"].pk
    content = client.get(url("surveys_service", "index") + f"?department={dept}").content
    assert "公交服务热线" not in content.decode()


def test_service_inspect_shows_the_qr_code_poster_and_rating_address(client, world):
    service = world["service_a"]
    client.force_login(world["editor"])
    html = client.get(url("surveys_service", "inspect", service)).content.decode()
    qr_url = reverse("surveys:service_qr", kwargs={"slug": service.slug})
    assert f'src="{qr_url}"' in html
    assert reverse("surveys:service_poster", kwargs={"slug": service.slug}) in html
    assert "http://testserver" + service.get_rating_url() in html
    # The image the editor sees is the code residents scan.
    qr = client.get(qr_url)
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


def test_an_inactive_services_inspect_says_it_has_no_poster(client, world):
    service = world["service_a"]
    Service.objects.filter(pk=service.pk).update(active=False)
    client.force_login(world["editor"])
    html = client.get(url("surveys_service", "inspect", service)).content.decode()
    assert reverse("surveys:service_qr", kwargs={"slug": service.slug}) not in html
    assert "help-warning" in html  # says why there is no code to print
