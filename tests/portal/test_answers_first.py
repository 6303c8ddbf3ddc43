"""The answer first: a department page opens with its score, rank of how many, the change on
last year, grade and light — above the contact details, which fold away on a phone."""

import datetime

import pytest
from bs4 import BeautifulSoup

from portal.factories import CycleFactory, EvaluationFactory
from portal.models import Department, Evaluation, Goal
from tests.builders import build_city

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _city_with_last_year():
    """A 2026 city; one department also has last year's final score (80.0)."""
    cycle = build_city(departments=3, year=2026)
    department = Department.objects.filter(
        goals__cycle=cycle, goals__level=Goal.Level.DEPARTMENT
    ).first()
    EvaluationFactory(
        department=department,
        cycle=CycleFactory(year=2025),
        period=datetime.date(2025, 12, 1),
        total=80.0,
        rank=1,
    )
    return cycle, department


def test_the_headline_card_comes_before_the_contact_details(client):
    cycle, department = _city_with_last_year()
    page = BeautifulSoup(client.get(department.get_absolute_url(), **EN).content, "html.parser")
    card = page.select_one(".headline-card")
    text = " ".join(card.get_text(" ").split())
    shown = Evaluation.objects.filter(department=department, cycle=cycle).latest("period")
    ranked = Evaluation.objects.filter(cycle=cycle, period=shown.period, rank__isnull=False)
    assert f"Rank {shown.rank} of {ranked.count()}" in text
    change = round(float(shown.total) - 80.0, 1)
    sign = "+" if change > 0 else "−" if change < 0 else ""
    assert f"{sign}{abs(change):g} on 2025" in text
    html = str(page)
    assert html.index("headline-card") < html.index('class="contact-fold"')
    # On a phone the contact details are folded (a closed <details>); site.css shows the
    # unfolded copy on a wider screen.
    fold = page.select_one(".contact-fold")
    assert fold.name == "details" and not fold.has_attr("open")


def test_rank_of_n_in_chinese(client):
    _cycle, department = _city_with_last_year()
    page = BeautifulSoup(client.get(department.get_absolute_url(), **ZH).content, "html.parser")
    text = page.select_one(".headline-card").get_text()
    assert "共3个" in text


def test_without_an_evaluation_there_is_no_card(client):
    build_city(departments=2)
    department = Department.objects.first()
    Evaluation.objects.all().delete()
    page = BeautifulSoup(client.get(department.get_absolute_url(), **EN).content, "html.parser")
    assert page.select_one(".headline-card") is None


def test_grades_read_in_the_visitors_language(client):
    _cycle, department = _city_with_last_year()
    shown = Evaluation.objects.filter(department=department).exclude(grade="").latest("period")
    english = BeautifulSoup(client.get(department.get_absolute_url(), **EN).content, "html.parser")
    names = {"优秀": "Excellent", "良好": "Good", "合格": "Pass", "不合格": "Fail"}
    assert names[shown.grade] in english.select_one(".headline-card").get_text()
    chinese = BeautifulSoup(client.get(department.get_absolute_url(), **ZH).content, "html.parser")
    assert shown.grade in chinese.select_one(".headline-card").get_text()
