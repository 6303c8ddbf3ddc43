"""Disclosure reports: Wagtail pages a city or a department publishes, with tables and charts.

``ReportIndexPage`` (报告公开) lists the published reports under it; ``ReportPage`` is one report:
its kind, year (a monthly report's month), department (none for the whole city), publication
date and a body of headings,
text, captioned data tables and indicator charts (each chart with its data table and
downloads). Drafts, unpublished reports and reports behind a view restriction are never listed
and never searchable (``ReportPage.objects.visible()``).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page, PageLogEntry, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from disclosure.blocks import ReportBodyBlock
from disclosure.pdf import ReportPdfMixin, pdf_available
from disclosure.permissions import (
    ReportAdminForm,
    ReportIndexPermissionTester,
    ReportPermissionTester,
    may_review_report,
    reports_reviewable_by,
)
from portal.months import month_label

REPORTS_PER_PAGE = 20


class ReportKind(models.TextChoices):
    PERFORMANCE = "performance", _("Annual performance report")
    DISCLOSURE = "disclosure", _("Government information disclosure annual report")
    PROGRESS = "progress", _("Progress bulletin")
    SPECIAL = "special", _("Special report")
    MONTHLY = "monthly", _("Monthly performance report")


class ReportQuerySet(PageQuerySet):
    def visible(self):
        """What the public may read: published, and behind no view restriction."""
        return self.live().public()


ReportManager = PageManager.from_queryset(ReportQuerySet)


class ReportIndexPage(Page):
    """报告公开: the list of published reports, filterable by year, kind and department."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["disclosure.ReportPage"]
    max_count = 1

    class Meta:
        verbose_name = _("report index")

    def permissions_for_user(self, user):
        return ReportIndexPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(report_list_context(request, self))
        return context


def report_list_context(request, index: ReportIndexPage | None = None) -> dict:
    """The published reports (under ``index``, or all of them), filtered by the query string's
    year, kind and department — an unknown value or page is ignored with a notice — and
    paginated. Four queries."""
    from portal.models import Department

    reports = ReportPage.objects.visible()
    if index is not None:
        reports = reports.child_of(index)
    reports = reports.select_related("department").order_by("-report_date", "-pk")
    facets = list(reports.order_by().values_list("year", "department_id").distinct())
    years = sorted({year for year, _d in facets}, reverse=True)
    department_ids = {dept for _y, dept in facets if dept is not None}
    filters: dict = {}
    unknown: list[str] = []
    raw_year, kind, raw_dept = (request.GET.get(k, "") for k in ("year", "kind", "department"))
    year = _int_param(raw_year)
    if year in years:
        reports, filters["year"] = reports.filter(year=year), year
    elif raw_year:
        unknown.append(raw_year)
    if kind in ReportKind.values:
        reports, filters["kind"] = reports.filter(kind=kind), kind
    elif kind:
        unknown.append(kind)
    dept = _int_param(raw_dept)
    if dept in department_ids:
        reports, filters["department"] = reports.filter(department_id=dept), dept
    elif raw_dept:
        unknown.append(raw_dept)
    notices = []
    if unknown:
        # As on the search page: the visitor learns the list is not filtered as asked.
        notices.append(
            gettext_now("No reports match the filter “%(values)s”; it has been ignored.")
            % {"values": ", ".join(value[:20] for value in unknown)}
        )
    paginator = Paginator(reports, REPORTS_PER_PAGE)
    raw_page = request.GET.get("page", "")
    page = paginator.get_page(raw_page)
    if raw_page and str(page.number) != raw_page.strip():
        notices.append(
            gettext_now("There is no page “%(page)s” of this list; showing page %(shown)d.")
            % {"page": raw_page[:20], "shown": page.number}
        )
    return {
        "reports": page,
        "years": years,
        "kinds": ReportKind.choices,
        "departments": Department.objects.filter(pk__in=department_ids),
        "filters": filters,
        "filters_query": urlencode(filters) + "&" if filters else "",
        "notices": notices,
    }


def _int_param(raw) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _this_year() -> int:
    return timezone.localdate().year


def _today() -> datetime.date:
    # The city's date (TIME_ZONE, Asia/Shanghai), not the server's.
    return timezone.localdate()


class ReportPage(ReportPdfMixin, Page):
    """One disclosure report."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.PERFORMANCE
    )
    year = models.PositiveSmallIntegerField(
        _("report year"), default=_this_year, help_text=_("The year the report is about.")
    )
    department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Leave empty for a report of the whole city."),
    )
    period = models.DateField(
        _("month"),
        null=True,
        blank=True,
        help_text=_("The month a monthly report is about (any day of it; required for that kind)."),
    )
    report_date = models.DateField(
        _("publication date"), default=_today, help_text=_("As printed on the report.")
    )
    publisher = models.CharField(
        _("publisher"), max_length=120, blank=True, help_text=_("The office that issues it.")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Two or three sentences shown in lists and results.")
    )
    body = StreamField(ReportBodyBlock(), verbose_name=_("body"), blank=True)

    objects = ReportManager()
    base_form_class = ReportAdminForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("year"), FieldPanel("period")]),
                FieldRowPanel([FieldPanel("department"), FieldPanel("report_date")]),
                FieldPanel("publisher"),
            ],
            heading=_("About the report"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("year"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["disclosure.ReportIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["year", "kind"])]

    def clean(self):
        super().clean()
        if self.year and not 1949 <= self.year <= _this_year() + 1:
            raise ValidationError({"year": _("Enter a year between 1949 and next year.")})
        if self.period:
            self.period = self.period.replace(day=1)  # a month is stored as its first day
        if self.kind == ReportKind.MONTHLY:
            if not self.period:
                raise ValidationError({"period": _("A monthly report needs its month.")})
            self.year = self.period.year

    def period_label(self) -> str:
        """What the report is about, in the visitor's language: a month or a year."""
        if self.kind == ReportKind.MONTHLY and self.period:
            return month_label(self.period, get_language())
        return str(self.year)

    def permissions_for_user(self, user):
        return ReportPermissionTester(user, self)

    def body_text(self) -> list[str]:
        """The report's text, block by block: headings, paragraphs, tables and captions."""
        return [
            str(text)
            for text in self.body.stream_block.get_searchable_content(self.body)
            if str(text).strip()
        ]

    def get_context(self, request, *args, snapshot=None, **kwargs):
        """The page, its blocks and their figures: from ``snapshot`` (an earlier version),
        else from the live revision's snapshot, else (a preview, a draft, a report published
        before snapshots) computed from the current data."""
        from disclosure import snapshots

        context = super().get_context(request, *args, **kwargs)
        context["index"] = self.get_parent().specific
        context["has_chart"] = any(b.block_type == "indicator_chart" for b in self.body)
        # A chart's title is an h3 under a report heading (h2), an h2 before any: headings
        # never skip a level (WCAG 1.3.1).
        blocks, seen_heading = [], False
        for block in self.body:
            seen_heading = seen_heading or block.block_type == "heading"
            blocks.append((block, 3 if seen_heading else 2))
        context["blocks"] = blocks
        context["pdf_available"] = pdf_available()
        previewing = getattr(request, "is_preview", False)
        current = None if previewing else snapshots.live_snapshot(self)
        shown = snapshot or current
        context["snapshot"] = shown
        context["superseded"] = snapshot is not None and snapshot != current
        context["figures_by_block"] = None
        context["correction_notices"] = []
        context["block_download_base"] = ""
        if not previewing and self.pk:
            reports = reverse("disclosure:index")
            context["block_download_base"] = (
                f"{reports}{self.pk}/versions/{snapshot.pk}/blocks/"
                if context["superseded"]
                else f"{reports}{self.pk}/blocks/"
            )
        if shown is not None:
            figures = shown.figures_for(get_language() or "")
            context["figures_by_block"] = figures
            context["correction_notices"] = snapshots.correction_notices(
                figures, shown.published_at
            )
        context["earlier_versions"] = (
            [] if previewing else snapshots.earlier_versions(self, current)
        )
        context["publication_history"] = self.publication_history()
        return context

    def publication_history(self) -> list[tuple[str, datetime.date]]:
        """("published" | "updated" | "withdrawn", date) from the first publication on, when the
        report was ever published again or taken off the site: a report changed after it was
        published says so (issue 13: no quiet change). Empty for a report published once."""
        events = list(
            PageLogEntry.objects.filter(
                page=self, action__in=["wagtail.publish", "wagtail.unpublish"]
            )
            .order_by("timestamp", "pk")
            .values_list("action", "timestamp")
        )
        if len(events) < 2:
            return []
        history = []
        for action, at in events:
            if action == "wagtail.unpublish":
                kind = "withdrawn"
            else:
                kind = "updated" if history else "published"
            history.append((kind, timezone.localdate(at)))
        return history


class ReportSnapshot(models.Model):
    """The figures of every block of a report as published in one revision: what the public
    page and the block downloads show, whatever is corrected later (DESIGN.md: a published
    report keeps the figures it was published with)."""

    page = models.ForeignKey(
        ReportPage, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("report")
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    title = models.CharField(_("title"), max_length=255)
    published_at = models.DateTimeField(_("published at"))
    # {language: {block id: figures}}; see disclosure.figures.
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("published figures")
        verbose_name_plural = _("published figures")

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d %H:%M})"

    def figures_for(self, language: str) -> dict:
        """The figures by block id in ``language`` (else the site's default language)."""
        from django.conf import settings

        return (
            self.figures.get(language)
            or self.figures.get(settings.LANGUAGE_CODE)
            or next(iter(self.figures.values()), {})
        )


class DepartmentApprovalTask(AbstractGroupApprovalTask):
    """A review step for a department's reports: a member of the task's groups approves a
    report only if they may manage its department (``DepartmentEditor`` links; city
    administrators any report). Another department's reviewer neither sees the report in
    their review list nor gets its approve action."""

    def user_can_access_editor(self, obj, user):
        return may_review_report(self, obj, user)

    def locked_for_user(self, obj, user):
        return not may_review_report(self, obj, user)

    def user_can_lock(self, obj, user):
        return may_review_report(self, obj, user)

    def get_actions(self, obj, user):
        if not may_review_report(self, obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return reports_reviewable_by(user, states)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve the reports of their own departments "
            "(city administrators: every report)"
        )

    class Meta:
        verbose_name = _("department approval task")
        verbose_name_plural = _("department approval tasks")
