"""The English site reads as English: headings, grades, notices and table labels are translated,
and whatever Chinese remains (the city's own data: names of departments without an English
name, indicators, goals, sources) is marked ``lang="zh-Hans"`` on its element, so that a screen
reader switches voice and a browser picks Chinese fonts (WCAG 3.1.2, language of parts)."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest

from portal.models import Department, Indicator
from tests.builders import EN, build_city

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Elements whose text is not shown as page text. <title> holds text only (no element to mark):
# a page named after Chinese data (an indicator) keeps that name in the browser's tab.
NOT_TEXT = {"script", "style", "template", "title"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class ChineseOutsideLang(HTMLParser):
    """Every run of text with Chinese characters that no element marked as Chinese encloses,
    with the path of elements it sits in (to say where it is)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, marked Chinese, hidden text)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        inherited = self.stack[-1][1] if self.stack else False
        chinese = lang.startswith("zh") if "lang" in attrs else inherited
        hidden = tag in NOT_TEXT or (bool(self.stack) and self.stack[-1][2])
        self.stack.append((tag, chinese, hidden))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.stack or self.stack[-1][1] or self.stack[-1][2]:
            return
        if CJK.search(data):
            where = " > ".join(tag for tag, _c, _h in self.stack[-4:])
            self.found.append(f"{where}: {' '.join(data.split())[:80]}")


def chinese_outside_lang(html: str) -> list[str]:
    parser = ChineseOutsideLang()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_unmarked_chinese_and_accepts_marked_chinese():
    assert chinese_outside_lang('<html lang="en"><p>Rank <b>第2名</b></p></html>') == [
        "html > p > b: 第2名"
    ]
    marked = '<html lang="en"><p><span lang="zh-Hans">市公安局 <a>网站</a></span></p>'
    assert chinese_outside_lang(marked) == []
    assert chinese_outside_lang('<html lang="en"><script>var a="满意";</script></html>') == []


@pytest.fixture
def city(settings):
    """A year of figures, a department without an English name, a published report, a survey
    with aggregated ratings and a case: every public page has Chinese data to show."""
    from disclosure.factories import chart, heading, make_report, paragraph, table
    from surveys.aggregation import aggregate_month
    from surveys.factories import (
        AnswerFactory,
        RectificationCaseFactory,
        ResponseFactory,
        ServiceFactory,
        SurveyFactory,
        SurveyQuestionFactory,
    )
    from tests.builders import ensure_default_site

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    ensure_default_site()
    year = datetime.date.today().year - 1
    build_city(departments=3, months=3, year=year)
    Department.objects.filter(pk=Department.objects.order_by("pk").first().pk).update(name_en="")
    department = Department.objects.order_by("pk").last()
    indicator = Indicator.objects.filter(goal__owner=department).first()
    Indicator.objects.filter(pk=indicator.pk).update(
        source_description="市统计局月报", methodology="累计值÷目标值", unit="万件"
    )
    report = make_report(
        f"{year}年绩效报告",
        year=year,
        department=department,
        summary="全年工作情况。",
        body=[
            heading("一、总体情况"),
            paragraph("<p>目标全部完成。</p>"),
            table("表1 主要指标", [["指标", "目标"], ["完成率", "100%"]]),
            chart(indicator.code, "逐月变化"),
        ],
    )
    window = ServiceFactory(department=department, name="办事窗口", name_en="", slug="window")
    survey = SurveyFactory(department=department, slug="window-survey", services=[window])
    overall = SurveyQuestionFactory(survey=survey)
    for level in (5, 4, 2):
        response = ResponseFactory(
            survey=survey,
            service=window,
            submitted_at=datetime.datetime(year, 10, 15, 10, tzinfo=datetime.UTC),
        )
        AnswerFactory(response=response, question=overall, level=level)
    aggregate_month(datetime.date(year, 10, 1))
    case = RectificationCaseFactory(
        survey=survey,
        service=window,
        reported_on=datetime.date(year, 10, 16),
        comment="排队太久",
        comment_moderated=True,
    )
    return {
        "department": department,
        "chinese_only": Department.objects.order_by("pk").first(),
        "goal": indicator.goal,
        "indicator": indicator,
        "report": report,
        "survey": survey,
        "service": window,
        "case": case,
    }


def english_pages(city) -> dict[str, str]:
    return {
        "home": "/",
        "departments": "/departments/",
        "department": city["department"].get_absolute_url(),
        "department without an English name": city["chinese_only"].get_absolute_url(),
        "goal": city["goal"].get_absolute_url(),
        "indicator": city["indicator"].get_absolute_url(),
        "rankings": "/rankings/",
        "methodology": "/about/methodology/",
        "reports": "/reports/",
        "report": city["report"].url,
        "surveys": "/surveys/",
        "survey": city["survey"].get_absolute_url(),
        "service": city["service"].get_absolute_url(),
        "cases": "/surveys/cases/",
        "case": city["case"].get_absolute_url(),
        "search": "/search/?q=满意度",
        "accessibility": "/about/accessibility/",
    }


def test_main_english_pages_mark_every_chinese_text_as_chinese(client, city):
    unmarked = {}
    for name, path in english_pages(city).items():
        response = client.get(path, **EN)
        assert response.status_code == 200, (name, path, response.status_code)
        html = response.content.decode()
        assert '<html lang="en"' in html, name
        found = chinese_outside_lang(html)
        if found:
            unmarked[name] = found[:12]
    assert unmarked == {}, "\n".join(f"{name}: {found}" for name, found in unmarked.items())


@pytest.mark.django_db
def test_a_chinese_search_that_finds_nothing_marks_the_words_it_quotes(client):
    response = client.get("/search/?q=无此词语", **EN)
    html = response.content.decode()
    assert "Nothing matches" in html
    assert '<span lang="zh-Hans">无此词语</span>' in html
    assert chinese_outside_lang(html) == []


def test_a_did_you_mean_suggestion_in_chinese_is_marked(rf):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string(
            "search/search.html",
            {
                "searched": True,
                "query": {"text": "满意渡"},
                "results": {"total": 0, "suggestion": "满意"},
            },
            request=rf.get("/search/"),
        )
    assert '<span lang="zh-Hans">满意</span></a>' in html
