"""The surveys panel of a department page (the ``portal_department_panels`` hook): the
department's 整改率 and on-time rate, and each public survey's latest satisfied share.

Two hand-written queries however many cases and surveys the department has (the department
page's query count is asserted at two data sizes in tests/portal/test_pages.py), and a template
rendered without the request's context processors (it needs none of them).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from surveys.models import RectificationCase, SurveyResult
from surveys.rectification import CaseRates


def department_panel(request, department, cycle=None) -> str:
    """The panel's HTML, or "" for a department that is no longer active (its surveys and
    cases are not public) or has neither a case nor a survey result."""
    if not department.active:
        return ""
    today = timezone.localdate()
    rates = CaseRates(
        department_id=department.pk,
        **RectificationCase.objects.department_counts(department.pk, today),
    )
    latest = SurveyResult.objects.latest_public_of_department(department.pk)
    if not rates.cases and not latest:
        return ""
    return render_to_string(
        "surveys/department_panel.html",
        {"department": department, "rates": rates, "latest": latest, "today": today},
    )
