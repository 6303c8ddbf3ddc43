"""Where editors may create each page type, and that each page renders, edits and previews.

Wagtail's own page assertions (WagtailPageTestCase); the page tree is built once for the class.
"""

from __future__ import annotations

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from disclosure.factories import make_report, paragraph, report_index
from disclosure.models import ReportIndexPage, ReportPage
from portal.models import HomePage
from tests.builders import ensure_default_site


class PageTypeRulesTests(WagtailPageTestCase):
    """The tree an editor can build: home page → report index → reports, nothing else."""

    def test_the_home_page_sits_at_the_root_and_holds_the_report_index(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        # wagtailcore.Page is listed by Wagtail but never offered: it is not creatable.
        self.assertAllowedSubpageTypes(HomePage, {Page, ReportIndexPage})
        self.assertCanCreateAt(HomePage, ReportIndexPage)
        self.assertCanNotCreateAt(HomePage, ReportPage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_the_report_index_holds_only_reports(self):
        self.assertAllowedParentPageTypes(ReportIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ReportIndexPage, {ReportPage})
        self.assertCanCreateAt(ReportIndexPage, ReportPage)
        self.assertCanNotCreateAt(ReportIndexPage, ReportIndexPage)

    def test_a_report_lives_under_the_index_and_has_no_children(self):
        self.assertAllowedParentPageTypes(ReportPage, {ReportIndexPage})
        self.assertAllowedSubpageTypes(ReportPage, set())
        self.assertCanNotCreateAt(ReportPage, ReportPage)
        self.assertCanNotCreateAt(Page, ReportPage)


class PagesTests(WagtailPageTestCase):
    """Each page type renders for a visitor and opens, saves and previews for an editor."""

    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_default_site().root_page.specific
        cls.index = report_index()
        cls.report = make_report(
            "2025年度全市目标绩效管理工作报告", body=[paragraph("<p>正文</p>")]
        )
        cls.draft = make_report("考核细则（征求意见稿）", publish=False)

    def test_one_home_page_and_one_report_index_per_site(self):
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
        self.assertFalse(ReportIndexPage.can_create_at(self.home))
        self.assertTrue(ReportPage.can_create_at(self.index))

    def test_every_page_type_renders(self):
        self.assertPageIsRenderable(self.home)
        self.assertPageIsRenderable(self.index)
        self.assertPageIsRenderable(self.report)

    def test_a_draft_report_is_not_served(self):
        self.assertEqual(self.client.get(self.draft.url).status_code, 404)

    def test_a_report_can_be_edited_and_previewed(self):
        # The body is a StreamField, drawn by the editor's script: the form data is written
        # out here, since none can be read from the page's HTML.
        data = nested_form_data(
            {
                "title": self.report.title,
                "slug": self.report.slug,
                "kind": self.report.kind,
                "year": self.report.year,
                "department": "",
                "report_date": self.report.report_date.isoformat(),
                "publisher": "",
                "summary": "",
                "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
            }
        )
        self.assertPageIsEditable(self.report, post_data=data)
        self.assertPageIsPreviewable(self.report, post_data=data)
