"""Admin hooks: a department editor's page explorer lists only their own department's reports
(another department's drafts and their titles stay with that department and the city)."""

from django.db.models import Q
from wagtail import hooks

from disclosure.models import ReportIndexPage
from portal.actions import can_manage_all_departments
from portal.permissions import user_department_ids


@hooks.register("construct_explorer_page_queryset")
def only_own_department_reports(parent_page, pages, request):
    user = request.user
    if can_manage_all_departments(user) or parent_page.specific_class is not ReportIndexPage:
        return pages
    return pages.filter(
        Q(reportpage__isnull=True) | Q(reportpage__department_id__in=user_department_ids(user))
    )
