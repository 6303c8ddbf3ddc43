"""A report changed after it was published says so (issue 13, no trace left): taking it off the
site, editing it and publishing it again shows each step on the report's public page."""

from __future__ import annotations

import pytest

from disclosure.factories import make_report, paragraph
from portal.factories import UserFactory
from tests.builders import EN

pytestmark = pytest.mark.usefixtures("wagtail_site", "english")


def test_a_report_published_once_has_no_history_section(client):
    report = make_report("2025年度绩效报告", body=[paragraph("<p>全市目标完成率 92%。</p>")])
    content = client.get(report.url, **EN).content.decode()
    assert "Publication history" not in content


def test_unpublishing_editing_and_republishing_a_report_is_shown_publicly(client):
    admin = UserFactory(username="report-admin", is_superuser=True)
    report = make_report(
        "2025年度绩效报告", body=[paragraph("<p>全市目标完成率 92%。</p>")], user=admin
    )
    report.unpublish(user=admin)
    report.refresh_from_db()
    report.body = [("paragraph", "<p>全市目标完成率 85%。</p>")]
    report.save_revision(user=admin).publish(user=admin)

    content = client.get(report.url, **EN).content.decode()
    assert "85%" in content
    assert "Publication history" in content
    history = content.split("Publication history", 1)[1].split("<ol>", 1)[1]
    steps = ["first published", "taken off the site", "published again with changes"]
    positions = [history.index(step) for step in steps]
    assert positions == sorted(positions)
