"""The public list of reports at a fixed address (/reports/), whatever the index page's slug."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from disclosure.models import ReportIndexPage, report_list_context


@require_safe
def report_index(request):
    index = ReportIndexPage.objects.live().public().order_by("path").first()
    context = {"page": index, "self": index}
    context.update(report_list_context(request, index))
    return render(request, "disclosure/report_index_page.html", context)
