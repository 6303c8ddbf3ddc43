"""Reports in the site search: their documents and the signal handlers that keep them true.

A report is searchable while the public may read it, which is what
``ReportPage.objects.visible()`` says; its document holds the whole text (summary, headings,
paragraphs, table cells and captions, chart captions). ``register()`` runs from the app's
``ready()``: it registers the source with search and connects the handlers, which queue the
reports whose document a change may alter (search writes them after the commit).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from disclosure.models import ReportPage
from portal.months import iso_month
from search import signals
from search.backends.base import SearchDocument
from search.documents import department_fields, document_id, int_pks, register_source
from search.indexing import queue
from search.text import pinyin_text


def report_documents(pks=None) -> Iterator[SearchDocument]:
    """Published disclosure reports that anyone may read (no view restriction), full text:
    summary, headings, paragraphs, table cells and captions, chart captions."""
    qs = ReportPage.objects.visible().select_related("department")
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for page in qs.order_by("pk").iterator(chunk_size=200):
        dept = page.department
        yield SearchDocument(
            id=document_id("report", page.pk),
            type="report",
            title=page.title,
            body="\n".join(filter(None, [page.summary, *page.body_text()])),
            url=page.get_url() or "",
            year=page.year,
            date=page.report_date,
            period=iso_month(page.period) if page.period else str(page.year),
            keywords=" ".join(filter(None, [page.get_kind_display(), page.publisher])),
            pinyin=pinyin_text(page.title, *([dept.name, dept.short_name] if dept else [])),
            extra={
                "kind": page.kind,
                "publisher": page.publisher,
                "department_en": dept.name_en if dept else "",
            },
            **(department_fields(dept.pk, dept.name, dept.short_name) if dept else {}),
        )


def count_reports() -> int:
    return ReportPage.objects.visible().count()


# ---- keeping the documents true ----------------------------------------------------------


def report_changed(sender, instance, **kwargs):
    # Saving covers publishing, unpublishing and draft edits (a draft never changes the live
    # row, so re-reading it re-indexes the published text); deleting removes it.
    queue("report", [instance.pk])


def page_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, ReportPage):
        queue("report", [instance.pk])


def _reports_at_or_below(page) -> None:
    """Reports at or under ``page``: a view restriction, a move or a new slug there changes
    whether and where they can be read."""
    if page is None or not page.pk:
        return
    queue(
        "report",
        ReportPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True),
    )


def page_tree_changed(sender, instance, **kwargs):
    _reports_at_or_below(instance)


def restriction_changed(sender, instance, **kwargs):
    _reports_at_or_below(getattr(instance, "page", None))


def published_data_changed(sender, **kwargs):
    """Reports chart indicators by code and index their names only while published; there
    are few reports, so a change to what is published re-reads all of them."""
    queue("report", ReportPage.objects.values_list("pk", flat=True))


def department_changed(sender, instance, changed, **kwargs):
    if changed & {"name", "short_name", "name_en"}:  # a report names its department
        queue("report", instance.reports.values_list("pk", flat=True))


def register() -> None:
    register_source("report", report_documents, label=_("Report"), count_fn=count_reports, order=50)
    uid = "disclosure-search"
    post_save.connect(report_changed, sender=ReportPage, dispatch_uid=f"{uid}-report-save")
    post_delete.connect(report_changed, sender=ReportPage, dispatch_uid=f"{uid}-report-delete")
    page_published.connect(page_published_or_unpublished, dispatch_uid=f"{uid}-page-published")
    page_unpublished.connect(page_published_or_unpublished, dispatch_uid=f"{uid}-page-unpublished")
    page_slug_changed.connect(page_tree_changed, dispatch_uid=f"{uid}-page-slug")
    post_page_move.connect(page_tree_changed, dispatch_uid=f"{uid}-page-move")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}-restriction-save"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}-restriction-delete"
    )
    signals.published_data_changed.connect(
        published_data_changed, dispatch_uid=f"{uid}-published-data"
    )
    signals.department_changed.connect(department_changed, dispatch_uid=f"{uid}-department")
