"""The surveys panel of a department page (the ``portal_department_panels`` hook): the
department's 整改率 and on-time rate, and each public survey's latest satisfied share.

Two queries however many cases and surveys the department has (the department page's query
count is asserted at two data sizes in tests/portal/test_pages.py).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from surveys.models import Survey, SurveyResult
from surveys.rectification import CaseRates, case_rates, counted_cases


def department_panel(request, department, cycle=None) -> str:
    """The panel's HTML, or "" for a department that is no longer active (its surveys and
    cases are not public) or has neither a case nor a survey result."""
    if not department.active:
        return ""
    today = timezone.localdate()
    rates = case_rates(counted_cases().filter(department=department), today).get(
        department.pk, CaseRates(department_id=department.pk)
    )
    latest = sorted(
        SurveyResult.objects.select_related("survey")
        .latest_by_survey(Survey.objects.public().filter(department=department))
        .values(),
        key=lambda r: (r.survey.title, r.survey_id),
    )
    if not rates.cases and not latest:
        return ""
    return render_to_string(
        "surveys/department_panel.html",
        {"department": department, "rates": rates, "latest": latest, "today": today},
        request=request,
    )
