"""Public views (placeholder until the public-site work lands)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from portal.models import Department, Goal, Indicator


def home_context(request) -> dict:
    return {}


def department_index(request):
    return HttpResponse("departments")


def department_detail(request, slug):
    department = get_object_or_404(Department, slug=slug)
    return HttpResponse(department.name)


def goal_detail(request, year, code):
    goal = get_object_or_404(Goal, cycle__year=year, code=code)
    return HttpResponse(goal.title)


def indicator_detail(request, code):
    indicator = get_object_or_404(Indicator, code=code)
    return HttpResponse(indicator.name)


def indicator_download(request, code, fmt):
    raise Http404


def rankings(request):
    return HttpResponse("rankings")
