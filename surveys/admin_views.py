"""Admin views of the surveys app beyond Wagtail's generic ones: a service's QR code and
poster, residents' responses (read-only, exported as CSV/XLSX, invalidated with a reason).

Every view reads its rows through the department-scoped permission policies
(surveys.permissions), so another department's service or rating answers 404.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import LogFormatter

from portal.viewsets import ScopedIndexView, ScopedInspectView
from surveys.actions import invalidate_response
from surveys.admin_forms import InvalidateResponseForm
from surveys.models import Answer, Response, SurveyQuestion
from surveys.permissions import response_policy

INVALIDATE_LOG_ACTION = "surveys.invalidate_response"
EXPORT_CHUNK = 2000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection), as in
# portal.exports: residents' free text must never run in an editor's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    """Text a spreadsheet would run as a formula, quoted so that it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- services ----------------------------------------------------------------------------------


class ServiceInspectView(ScopedInspectView):
    """A service with what its window needs: the QR code, the printable poster and the rating
    address the code opens (扫码评价)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        # The public QR code and poster serve active services of active departments only.
        context["service_public"] = service.active and service.department.active
        context["qr_url"] = reverse("surveys:service_qr", kwargs={"slug": service.slug})
        context["poster_url"] = reverse("surveys:service_poster", kwargs={"slug": service.slug})
        context["rating_url"] = self.request.build_absolute_uri(service.get_rating_url())
        return context


# --- responses: listing and export -------------------------------------------------------------


def question_columns(
    questions: Iterable[SurveyQuestion],
) -> tuple[list[str], dict[int, str]]:
    """The export's answer columns: each question's key, else its number in its survey (Q1,
    Q2 …). ``questions`` come ordered by survey, then survey order; questions of different
    surveys with the same key share a column. Returns the column names in order and the
    column of each question (by id)."""
    columns: list[str] = []
    by_question: dict[int, str] = {}
    numbers: dict[int, int] = defaultdict(int)
    for question in questions:
        numbers[question.survey_id] += 1
        name = question.key or f"Q{numbers[question.survey_id]}"
        by_question[question.pk] = name
        if name not in columns:
            columns.append(name)
    return columns, by_question


def answer_cells(answers: Iterable[Answer], by_question: dict[int, str]) -> dict[str, object]:
    """A response's answers by column: a scale's level (5 best … 1 worst), the chosen option,
    the options of a multiple choice joined by "; ", or the free text as stored (masked)."""
    values: dict[str, list] = defaultdict(list)
    for answer in answers:
        column = by_question.get(answer.question_id)
        if column is None:
            continue
        if answer.level is not None:
            values[column].append(answer.level)
        else:
            values[column].append(answer.choice or answer.text)
    return {
        column: items[0] if len(items) == 1 else "; ".join(str(item) for item in items)
        for column, items in values.items()
    }


class ResponseIndexView(ScopedIndexView):
    """Residents' responses of the editor's departments, read-only, with a CSV/XLSX download
    of exactly the filtered rows: one row per response, a column per question (its key, else
    its number), the service, channel, time, validity and reason — never the client key.

    Wagtail's own export (``list_export``) writes the files; the answer columns depend on the
    surveys in the rows, so they are added when the download is asked for. The rows and their
    answers are read in chunks of ``EXPORT_CHUNK`` responses, answers prefetched: no query per
    response.
    """

    list_export = [
        "id",
        "survey",
        "service",
        "channel",
        "submitted_at",
        "valid",
        "invalid_reason",
    ]
    export_headings = {
        "id": _("Response"),
        "survey": _("Survey"),
        "service": _("Service"),
        "channel": _("Channel"),
        "submitted_at": _("Submitted at"),
        "valid": _("Status"),
        "invalid_reason": _("Reason for invalidation"),
    }
    # Free text that a spreadsheet would run as a formula is quoted (CSV injection); XLSX
    # cells are typed as text by Wagtail's writer.
    custom_value_preprocess = {
        **ScopedIndexView.custom_value_preprocess,
        str: {ScopedIndexView.FORMAT_CSV: as_text_cell},
    }

    def get_filename(self):
        return f"responses-{timezone.localdate():%Y%m%d}"

    def as_spreadsheet(self, queryset, spreadsheet_format):
        queryset = queryset.select_related("survey", "service").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("pk"))
        )
        questions = SurveyQuestion.objects.filter(
            survey__in=queryset.order_by().values("survey_id")
        ).order_by("survey__department__sort_order", "survey__title", "sort_order", "pk")
        columns, self.answer_column_of = question_columns(questions)
        self.answer_fields = {f"answer:{name}": name for name in columns}
        self.list_export = [*type(self).list_export, *self.answer_fields]
        self.export_headings = {**type(self).export_headings, **self.answer_fields}
        # In chunks: two queries per chunk of responses (rows, then their answers), and a
        # month of a busy city's ratings never sits in memory at once. Every column has its
        # heading above, so Wagtail's writers need nothing but the rows.
        rows = queryset.iterator(chunk_size=EXPORT_CHUNK)
        return super().as_spreadsheet(rows, spreadsheet_format)

    def stream_csv(self, queryset):
        # The BOM makes Excel on Windows read the Chinese headings as UTF-8 (as portal.exports).
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def to_row_dict(self, item):
        answers = answer_cells(item.answers.all(), self.answer_column_of)
        row = OrderedDict(
            [
                ("id", item.pk),
                ("survey", item.survey.title),
                ("service", item.service.name if item.service else ""),
                ("channel", item.get_channel_display()),
                # The city's local time, as editors read it (Wagtail would write UTC).
                ("submitted_at", timezone.localtime(item.submitted_at).replace(tzinfo=None)),
                ("valid", gettext("Valid") if item.is_valid else gettext("Invalidated")),
                ("invalid_reason", item.invalid_reason),
            ]
        )
        for field, name in self.answer_fields.items():
            row[field] = answers.get(name, "")
        return row


# --- responses: inspecting and invalidating ----------------------------------------------------


def answer_rows(response: Response) -> list[dict]:
    """Every question of the response's survey with what the resident answered ("" when the
    question was skipped or not shown): levels with their answer's wording, multiple choices
    joined, free text as stored (masked). Two queries."""
    questions = list(response.survey.questions.order_by("sort_order", "pk"))
    given: dict[int, list[Answer]] = defaultdict(list)
    for answer in response.answers.order_by("pk"):
        given[answer.question_id].append(answer)
    rows = []
    for number, question in enumerate(questions, start=1):
        values = []
        for answer in given.get(question.pk, []):
            if answer.level is not None:
                options = question.display_options
                label = options[5 - answer.level] if 1 <= answer.level <= len(options) else ""
                values.append(f"{answer.level} · {label}" if label else str(answer.level))
            else:
                values.append(answer.choice or answer.text)
        rows.append(
            {
                "number": number,
                "key": question.key,
                "question": question.text,
                "kind": question.get_kind_display(),
                "answer": "; ".join(values),
                "is_text": question.kind == SurveyQuestion.Kind.TEXT,
            }
        )
    return rows


class ResponseInspectView(ScopedInspectView):
    """One rating: every answer, whether it counts, and a button to invalidate it."""

    invalidate_url_name = None
    history_url_name = None

    def get_page_subtitle(self):
        return str(self.object)

    def get_submitted_at_display_value(self):
        # Wagtail's inspect view would print the stored UTC time.
        return timezone.localtime(self.object.submitted_at).strftime("%Y-%m-%d %H:%M")

    def can_invalidate(self) -> bool:
        return self.object.is_valid and response_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        )

    @cached_property
    def header_buttons(self):
        if not (self.invalidate_url_name and self.can_invalidate()):
            return []
        return [
            HeaderButton(
                _("Invalidate"),
                url=reverse(self.invalidate_url_name, args=[self.object.pk]),
                icon_name="warning",
            )
        ]

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.history_url_name:
            buttons.append(
                Button(
                    _("History"),
                    url=reverse(self.history_url_name, args=[self.object.pk]),
                    icon_name="history",
                    priority=50,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answers"] = answer_rows(self.object)
        case = getattr(self.object, "case", None)
        context["case"] = case
        context["case_url"] = reverse("surveys_case:inspect", args=[case.pk]) if case else ""
        return context


class RectificationCaseInspectView(ScopedInspectView):
    """A case, with a link to the rating that opened it for who may see that rating."""

    def get_response_display_value(self):
        rating = self.object.response
        if rating is None:
            return "—"
        if not response_policy.user_has_permission_for_instance(self.request.user, "view", rating):
            return str(rating)
        link = reverse("surveys_response:inspect", args=[rating.pk])
        return format_html('<a href="{}">{}</a>', link, rating)


class InvalidateResponseView(WagtailAdminTemplateMixin, FormView):
    """Take a rating out of every figure, with a required reason (audit-logged through
    ``surveys.actions.invalidate_response``). Only who may change the department's responses
    reaches it; another department's rating answers 404."""

    form_class = InvalidateResponseForm
    template_name = "surveys/admin/invalidate_response.html"
    page_title = _("Invalidate rating")
    header_icon = "warning"
    index_url_name = None
    inspect_url_name = None
    select_related = ()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        rows = response_policy.instances_user_has_permission_for(request.user, "change")
        self.object = get_object_or_404(
            rows.select_related("survey__department", "service"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.object)

    @property
    def inspect_url(self) -> str:
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Response._meta.verbose_name_plural),
            },
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not self.object.is_valid:
            messages.warning(request, _("This rating is already invalidated."))
            return redirect(self.inspect_url)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        invalidate_response(self.object, user=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(
            self.request,
            _("The rating is invalidated: it no longer counts in any figure."),
        )
        return redirect(self.inspect_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["inspect_url"] = self.inspect_url
        return context


class InvalidateResponseLogFormatter(LogFormatter):
    """How an invalidation reads in the rating's history and the site history report."""

    label = _("Invalidate rating")

    def format_message(self, log_entry):
        reason = (log_entry.data or {}).get("reason", "")
        return _("Rating invalidated: %(reason)s") % {"reason": reason}


def register_log_actions(actions) -> None:
    """Body of the ``register_log_actions`` hook: the invalidation's audit entry."""
    actions.register_action(INVALIDATE_LOG_ACTION)(InvalidateResponseLogFormatter)
