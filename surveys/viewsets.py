"""The editors' screens for services, surveys, responses, monthly results and rectification
cases.

Rows come through the department-scoped permission policies (surveys.permissions), with the
same scoped listing, inspect, history and usage views as the performance domain, so a
department editor lists only their department's rows and another department's edit, delete,
inspect or history URL answers 404. Wagtail's generic create/edit/delete views write the audit
log themselves.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.months import iso_month
from portal.viewsets import PortalModelViewSet
from surveys.admin_forms import (
    OptionLinesWidget,
    RectificationCaseAdminForm,
    ServiceAdminForm,
    SurveyAdminForm,
    SurveyQuestionAdminForm,
    SurveyQuestionFormSet,
    SurveyResultAdminForm,
)
from surveys.admin_views import (
    InvalidateResponseView,
    RectificationCaseInspectView,
    ResponseIndexView,
    ResponseInspectView,
    ServiceInspectView,
)
from surveys.filters import (
    RectificationCaseFilterSet,
    ResponseFilterSet,
    ServiceFilterSet,
    SurveyFilterSet,
    SurveyResultFilterSet,
)
from surveys.models import (
    Answer,
    RectificationCase,
    Response,
    Service,
    Survey,
    SurveyQuestion,
    SurveyResult,
    default_scale_labels,
)


class SurveysModelViewSet(PortalModelViewSet):
    """The performance domain's scoped viewset (a department editor's lists hold only their
    department's rows; another department's edit/delete/inspect/history URL is a 404). Survey
    data feeds no score yet, so the domain's recompute-after-save finds nothing to do."""


class QuestionsInlinePanel(InlinePanel):
    """The survey's questions inside its form, each narrowed to the editor's indicators."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = SurveyQuestionAdminForm
        # Keys and conditions are checked across the questions (SurveyQuestionFormSet).
        formset["formset"] = SurveyQuestionFormSet
        # The question forms need the user to know which indicators are the editor's.
        formset["inherit_kwargs"] = ["for_user"]
        return options


def _service_place(service: Service) -> str:
    return service.address or service.url


class ServiceViewSet(SurveysModelViewSet):
    """The services residents rate, each with its QR code and window poster."""

    model = Service
    icon = "site"
    menu_order = 50
    inspect_view_class = ServiceInspectView
    inspect_template_name = "surveys/admin/service_inspect.html"
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("department"), FieldPanel("slug")]),
            FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
            FieldPanel("channel"),
            FieldRowPanel([FieldPanel("address"), FieldPanel("url")]),
            FieldPanel("active"),
        ],
        base_form_class=ServiceAdminForm,
    )
    list_display = [
        "name",
        "department",
        "channel",
        Column("place", label=_("Address or web address"), accessor=_service_place),
        BooleanColumn("active", label=_("Active")),
    ]
    filterset_class = ServiceFilterSet
    search_fields = ["name", "name_en", "slug", "address"]
    ordering = ["department__sort_order", "name"]
    list_select_related = ("department",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "department",
        "name",
        "name_en",
        "slug",
        "channel",
        "address",
        "url",
        "active",
    ]


class SurveyViewSet(SurveysModelViewSet):
    """Surveys and their questions, scoped to the editor's departments."""

    model = Survey
    icon = "form"
    menu_order = 100
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("department"), FieldPanel("slug")]),
            FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
            FieldPanel("description"),
            FieldPanel("indicator"),
            FieldRowPanel([FieldPanel("results_public"), FieldPanel("active")]),
            QuestionsInlinePanel(
                "questions",
                heading=_("Questions"),
                label=_("Question"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("text_en"),
                    FieldPanel("hint"),
                    FieldRowPanel(
                        [FieldPanel("kind"), FieldPanel("scale"), FieldPanel("required")]
                    ),
                    FieldPanel("options", widget=OptionLinesWidget()),
                    FieldRowPanel([FieldPanel("max_length"), FieldPanel("indicator")]),
                    # Plain inputs: Wagtail's slug input would lowercase keys on blur, and
                    # published definitions use keys like "ableToDo".
                    FieldPanel("key", widget=forms.TextInput),
                    FieldRowPanel(
                        [
                            FieldPanel("show_if_key", widget=forms.TextInput),
                            FieldPanel(
                                "show_if_answers", widget=OptionLinesWidget(attrs={"rows": 3})
                            ),
                        ],
                        heading=_("Show only when"),
                    ),
                ],
            ),
        ],
        base_form_class=SurveyAdminForm,
    )
    list_display = [
        "title",
        "department",
        Column("services", label=_("Services"), accessor="service_names"),
        BooleanColumn("results_public", label=_("Results public")),
        BooleanColumn("active", label=_("Active")),
        Column(
            "question_count",
            label=_("Questions"),
            accessor="question_count",
            sort_key="question_count",
        ),
        UpdatedAtColumn(),
    ]
    list_annotations = {"question_count": Count("questions")}
    filterset_class = SurveyFilterSet
    search_fields = ["title", "title_en", "slug"]
    ordering = ["department__sort_order", "title"]
    list_select_related = ("department",)
    list_prefetch_related = ("services",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "department",
        "title",
        "title_en",
        "slug",
        "services",
        "opens_on",
        "closes_on",
        "description",
        "indicator",
        "results_public",
        "active",
        "created_at",
        "updated_at",
    ]


class SurveyResultViewSet(SurveysModelViewSet):
    """Monthly results of the editor's surveys."""

    model = SurveyResult
    icon = "table"
    menu_order = 200
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("survey"), FieldPanel("period")]),
            FieldRowPanel(
                [
                    FieldPanel("responses"),
                    FieldPanel("mean_score"),
                    FieldPanel("satisfied_share"),
                ]
            ),
            FieldPanel("source"),
            FieldPanel("note"),
        ],
        base_form_class=SurveyResultAdminForm,
    )
    list_display = [
        "__str__",
        Column(
            "department",
            label=_("Department"),
            accessor="survey.department",
            sort_key="survey__department__sort_order",
        ),
        Column(
            "period", label=_("Month"), accessor=lambda r: iso_month(r.period), sort_key="period"
        ),
        "responses",
        "mean_score",
        "satisfied_share",
        "source",
        UpdatedAtColumn(),
    ]
    filterset_class = SurveyResultFilterSet
    search_fields = ["survey__title", "note", "source"]
    ordering = ["-period", "survey__title"]
    list_select_related = ("survey__department",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "survey",
        "period",
        "responses",
        "mean_score",
        "satisfied_share",
        "source",
        "note",
        "updated_at",
    ]


def _overall_level():
    """The response's first five-level satisfaction answer (the overall rating), as a
    subquery annotation: the listing shows it without a query per row."""
    return Subquery(
        Answer.objects.filter(
            response=OuterRef("pk"),
            level__isnull=False,
            question__kind=SurveyQuestion.Kind.SCALE,
            question__scale=SurveyQuestion.Scale.SATISFACTION,
        )
        .order_by("question__sort_order", "question_id")
        .values("level")[:1]
    )


def _rating_text(response: Response) -> str:
    level = getattr(response, "overall_level", None)
    if level is None:
        return ""
    labels = default_scale_labels()[SurveyQuestion.Scale.SATISFACTION]
    return f"{level} · {labels[5 - level]}" if 1 <= level <= 5 else str(level)


def _response_status(response: Response) -> str:
    if response.is_valid:
        return gettext("Valid")
    return gettext("Invalidated: %(reason)s") % {"reason": response.invalid_reason}


class ResponseViewSet(SurveysModelViewSet):
    """Residents' responses (ratings): read-only, exported as CSV/XLSX, invalidated with a
    reason. No add, edit or delete screen exists: a rating is what a resident sent."""

    model = Response
    icon = "list-ul"
    # A rating refers to nothing an editor would look up "usage" for, and indexing it would
    # queue a reference-index task on every rating (the site's busiest write).
    add_to_reference_index = False
    menu_order = 150
    index_view_class = ResponseIndexView
    inspect_view_class = ResponseInspectView
    inspect_template_name = "surveys/admin/response_inspect.html"
    list_display = [
        # The title column, linking to the inspect view (shown in the city's local time).
        "submitted_at",
        "survey",
        Column(
            "service", label=_("Service"), accessor=lambda r: r.service.name if r.service else ""
        ),
        "channel",
        Column(
            "rating", label=_("Overall rating"), accessor=_rating_text, sort_key="overall_level"
        ),
        Column("status", label=_("Status"), accessor=_response_status),
    ]
    list_annotations = {"overall_level": _overall_level()}
    filterset_class = ResponseFilterSet
    ordering = ["-submitted_at"]
    list_select_related = ("survey__department", "service")
    inspect_view_enabled = True
    inspect_view_fields = ["survey", "service", "channel", "submitted_at", "language"]

    @cached_property
    def export_filename(self):
        return "responses"

    def get_common_view_kwargs(self, **kwargs):
        # Read-only: no view links to an add, edit or delete screen (none is routed).
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            invalidate_url_name=self.get_url_name("invalidate"), **kwargs
        )

    @property
    def invalidate_view(self):
        return self.construct_view(
            InvalidateResponseView, inspect_url_name=self.get_url_name("inspect")
        )

    @property
    def url_finder_class(self):
        # The audit log's links to a rating lead to its inspect view (it has no edit view).
        return type(
            "ResponseURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_urlpatterns(self):
        # Wagtail's listing, inspect, history and usage views, and the invalidation; no add,
        # edit or delete route (and no form to build for them).
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("usage/<int:pk>/", self.usage_view, name="usage"),
            path("invalidate/<int:pk>/", self.invalidate_view, name="invalidate"),
        ]


def _reply_text(case: RectificationCase) -> str:
    if not case.reply_kind:
        return ""
    when = case.replied_on.isoformat() if case.replied_on else ""
    return f"{case.get_reply_kind_display()} {when}".strip()


class OverdueColumn(Column):
    """Unanswered past its due date, written out (colour alone would fail WCAG 1.4.1)."""

    cell_template_name = "surveys/admin/overdue_cell.html"

    def __init__(self, name="overdue", **kwargs):
        kwargs.setdefault("label", _("Overdue"))
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = instance.is_overdue(timezone.localdate())
        return context


class RectificationCaseViewSet(SurveysModelViewSet):
    """Rectification cases (整改案例) of the editor's departments."""

    model = RectificationCase
    icon = "clipboard-list"
    menu_order = 300
    inspect_view_class = RectificationCaseInspectView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("department"), FieldPanel("survey"), FieldPanel("service")]),
            FieldPanel("title"),
            FieldPanel("problem"),
            FieldRowPanel([FieldPanel("reported_on"), FieldPanel("due_on", read_only=True)]),
            # 差评整改: how the department answered the resident, and when.
            FieldRowPanel(
                [FieldPanel("reply_kind"), FieldPanel("replied_on")],
                heading=_("Answer to the resident"),
            ),
            FieldPanel("explanation"),
            FieldPanel("measures"),
            FieldPanel("result"),
            FieldRowPanel([FieldPanel("status"), FieldPanel("resolved_on")]),
            # Editors may mask the comment further before they mark it moderated.
            FieldPanel("comment"),
            FieldRowPanel([FieldPanel("comment_moderated"), FieldPanel("public")]),
        ],
        base_form_class=RectificationCaseAdminForm,
    )
    list_display = [
        "title",
        "department",
        "status",
        "reported_on",
        Column("due_on", label=_("Due on"), sort_key="due_on"),
        Column("answered", label=_("Answered"), accessor=_reply_text, sort_key="replied_on"),
        OverdueColumn(),
        BooleanColumn("public", label=_("Public")),
        UpdatedAtColumn(),
    ]
    filterset_class = RectificationCaseFilterSet
    search_fields = ["title", "problem", "measures", "result", "comment"]
    ordering = ["-reported_on"]
    list_select_related = ("department",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "department",
        "survey",
        "service",
        "title",
        "problem",
        "reported_on",
        "due_on",
        "reply_kind",
        "replied_on",
        "explanation",
        "measures",
        "result",
        "status",
        "resolved_on",
        "response",
        "comment",
        "comment_moderated",
        "public",
        "created_at",
        "updated_at",
    ]


class SurveysViewSetGroup(ViewSetGroup):
    """The 满意度调查 menu: services, surveys, residents' responses, monthly results and
    rectification cases."""

    menu_label = _("Satisfaction surveys")
    menu_icon = "form"
    menu_order = 160
    items = (
        ServiceViewSet("surveys_service", url_prefix="surveys/services"),
        SurveyViewSet("surveys_survey", url_prefix="surveys/surveys"),
        ResponseViewSet("surveys_response", url_prefix="surveys/responses"),
        SurveyResultViewSet("surveys_result", url_prefix="surveys/results"),
        RectificationCaseViewSet("surveys_case", url_prefix="surveys/cases"),
    )
