"""The audit log a department editor reads holds their own department's entries only: Reports →
Site history, its CSV export and its user filter. City administrators see every entry."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.log_actions import log

from portal.factories import DepartmentEditorFactory, UserFactory
from tests.builders import editor_group

SITE_HISTORY = "wagtailadmin_reports:site_history"


@pytest.fixture
def history(world):
    """Each department's editor changed their own goal and measurement."""
    other_editor = UserFactory(username="transport-editor", first_name="王交通", last_name="")
    other_editor.groups.add(editor_group())
    DepartmentEditorFactory(user=other_editor, department=world["dept_b"])
    world["editor"].first_name = "李数据"
    world["editor"].save()
    log(instance=world["goal_a"], action="wagtail.edit", user=world["editor"])
    log(instance=world["meas_a"], action="wagtail.edit", user=world["editor"])
    log(instance=world["goal_b"], action="wagtail.edit", user=other_editor)
    log(instance=world["meas_b"], action="wagtail.edit", user=other_editor)
    return world


def test_a_department_editor_sees_only_their_departments_entries(client, history):
    client.force_login(history["editor"])
    page = client.get(reverse(SITE_HISTORY), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert str(history["goal_a"]) in page and str(history["meas_a"]) in page
    assert str(history["goal_b"]) not in page
    assert str(history["meas_b"]) not in page
    # Not even the other department's editor's name (in the entries or the user filter).
    assert "王交通" not in page
    assert "transport-editor" not in page
    assert "李数据" in page


def test_the_export_holds_only_their_departments_entries(client, history):
    client.force_login(history["editor"])
    for export in ("csv", "xlsx"):
        response = client.get(reverse(SITE_HISTORY), {"export": export})
        assert response.status_code == 200
        if export == "csv":
            content = b"".join(response.streaming_content).decode("utf-8")
            assert str(history["goal_a"]) in content
            assert str(history["goal_b"]) not in content and "王交通" not in content
            assert str(history["meas_b"]) not in content


def test_the_results_fragment_is_scoped_too(client, history):
    client.force_login(history["editor"])
    page = client.get(reverse("wagtailadmin_reports:site_history_results")).content.decode()
    assert str(history["goal_a"]) in page
    assert str(history["goal_b"]) not in page and "王交通" not in page


def test_an_entry_about_an_object_of_no_department_shows_when_a_colleague_wrote_it(
    client, history, settings, tmp_path
):
    """Documents belong to no department: the editor sees their colleagues' uploads only."""
    settings.MEDIA_ROOT = tmp_path
    editors = editor_group()
    editors.permissions.add(Permission.objects.get(codename="add_document"))
    colleague = UserFactory(username="data-colleague")
    colleague.groups.add(editors)
    DepartmentEditorFactory(user=colleague, department=history["dept_a"])
    ours = Document.objects.create(title="数据局文件", file=ContentFile(b"x", name="a.csv"))
    theirs = Document.objects.create(title="交通局文件", file=ContentFile(b"y", name="b.csv"))
    log(instance=ours, action="wagtail.create", user=colleague)
    log(instance=theirs, action="wagtail.create", user=UserFactory(username="transport-editor"))
    client.force_login(history["editor"])
    page = client.get(reverse(SITE_HISTORY)).content.decode()
    assert "数据局文件" in page
    assert "交通局文件" not in page


def test_a_city_administrator_sees_every_departments_entries(client, history):
    client.force_login(history["city_admin"])
    page = client.get(reverse(SITE_HISTORY)).content.decode()
    for key in ("goal_a", "goal_b", "meas_a", "meas_b"):
        assert str(history[key]) in page
    assert "王交通" in page and "李数据" in page
    response = client.get(reverse(SITE_HISTORY), {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8")
    assert str(history["goal_b"]) in content and "王交通" in content
