"""Public rectification cases (差评整改): the list with each department's 整改率 and on-time
rate, and one case. A resident's comment is shown only once an editor has moderated it (it is
masked when it is saved); everything else a case shows was written by the department.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal.cache import cached_public_page
from portal.models import Department
from surveys.models import RectificationCase, Survey
from surveys.rectification import case_rates, counted_cases

CASES_PER_PAGE = 20


def department_rates(today) -> list[dict]:
    """Each current department with a case to count (deadline passed or answered): its rates,
    in the site's department order. A case just opened counts only once due, so a new poor
    rating changes nothing here (and need not invalidate the cached pages)."""
    rates = {
        pk: r
        for pk, r in case_rates(counted_cases().filter(department__active=True), today).items()
        if r.counted
    }
    departments = Department.objects.filter(pk__in=list(rates)).order_by("sort_order", "name")
    return [{"department": d, "rates": rates[d.pk]} for d in departments]


@cached_public_page
@require_safe
def case_index(request):
    """Public cases, newest first, a page at a time; every department's rates above them."""
    today = timezone.localdate()
    cases = RectificationCase.objects.public().select_related("department", "service")
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/case_index.html",
        {"cases": page, "departments": department_rates(today), "today": today},
    )


@cached_public_page
@require_safe
def case_detail(request, pk):
    """One public rectification case, with a link to its survey where that is public."""
    case = get_object_or_404(
        RectificationCase.objects.public().select_related("department", "survey", "service"),
        pk=pk,
    )
    survey = None
    if case.survey_id and Survey.objects.public().filter(pk=case.survey_id).exists():
        survey = case.survey
    return render(
        request,
        "surveys/rectification_case.html",
        {
            "case": case,
            "department": case.department,
            "survey": survey,
            # The department is current (a public case's is), so an active service is public.
            "service": case.service if case.service_id and case.service.active else None,
            "today": timezone.localdate(),
        },
    )
