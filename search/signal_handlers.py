"""Keep the index true: every change to something searchable queues its documents.

The documents are written after the transaction commits (``search.indexing.queue``), so a
rolled-back change never reaches the index and a failing engine never fails the save.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from disclosure.models import ReportPage
from portal.models import Cycle, Department, Goal, Indicator, Measurement, MeasurementCorrection
from portal.signals import cycle_recomputed
from search import synonyms
from search.indexing import queue
from search.models import SearchSynonym
from surveys.models import RectificationCase, Survey, SurveyQuestion, SurveyResult

DEPARTMENT_FIELDS = ("name", "short_name", "name_en", "slug", "description", "active")


def _goals_and_below(**goal_lookup) -> None:
    """Queue the goals matching ``goal_lookup``, their indicators and their monthly results."""
    queue("goal", Goal.objects.filter(**goal_lookup).values_list("pk", flat=True))
    queue(
        "indicator",
        Indicator.objects.filter(
            **{f"goal__{key}": value for key, value in goal_lookup.items()}
        ).values_list("pk", flat=True),
    )
    queue(
        "result",
        Measurement.objects.filter(
            **{f"indicator__goal__{key}": value for key, value in goal_lookup.items()}
        ).values_list("pk", flat=True),
    )


def _cycle_contents(cycle_ids) -> None:
    """Every document of these cycles: goals, indicators and monthly results."""
    _goals_and_below(cycle__in=cycle_ids)


def goal_saved(sender, instance, created=False, **kwargs):
    queue("goal", [instance.pk])
    if not created:  # indicators show their goal's title; a new goal has none yet
        queue("indicator", instance.indicators.values_list("pk", flat=True))


def goal_deleted(sender, instance, **kwargs):
    queue("goal", [instance.pk])


def goal_departments_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # department.co_goals changed: instance is a department
        queue("goal", pk_set or instance.co_goals.values_list("pk", flat=True))
    else:
        queue("goal", [instance.pk])


def indicator_saved(sender, instance, created=False, **kwargs):
    queue("indicator", [instance.pk])
    if not created:  # monthly results carry the indicator's name, unit and target
        queue("result", instance.measurements.values_list("pk", flat=True))
        _all_reports()  # a report's chart may name it


def indicator_deleted(sender, instance, **kwargs):
    queue("indicator", [instance.pk])
    _all_reports()


def measurement_changed(sender, instance, **kwargs):
    queue("result", [instance.pk])


def correction_changed(sender, instance, **kwargs):
    # The result says whether its figure was corrected.
    queue("result", [instance.measurement_id])


def cycle_before_save(sender, instance, **kwargs):
    old = None
    if instance.pk:
        old = Cycle.objects.filter(pk=instance.pk).values("published", "year").first()
    instance._search_before = old


def cycle_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_search_before", None)
    if old is None or old["published"] != instance.published or old["year"] != instance.year:
        # Publishing adds the whole year, unpublishing removes it (its documents build as none).
        _cycle_contents([instance.pk])
        _all_reports()


def cycle_recomputed_handler(sender, cycle, **kwargs):
    # Statuses and latest values were rewritten without model signals.
    queue("goal", Goal.objects.filter(cycle=cycle).values_list("pk", flat=True))
    queue("indicator", Indicator.objects.filter(goal__cycle=cycle).values_list("pk", flat=True))


def department_before_save(sender, instance, **kwargs):
    old = None
    if instance.pk:
        old = Department.objects.filter(pk=instance.pk).values(*DEPARTMENT_FIELDS).first()
    instance._search_before = old


def department_saved(sender, instance, created, **kwargs):
    queue("department", [instance.pk])
    old = getattr(instance, "_search_before", None)
    if old is None:
        return
    if any(old[f] != getattr(instance, f) for f in ("name", "short_name", "name_en", "active")):
        # Surveys and cases name their department and are public only while it is active.
        _survey_and_below(instance.surveys.values_list("pk", flat=True))
        queue("case", instance.rectification_cases.values_list("pk", flat=True))
    if any(old[f] != getattr(instance, f) for f in ("name", "short_name", "name_en")):
        # Every document names its department: a rename reaches all of them.
        _goals_and_below(owner=instance)
        queue("goal", instance.co_goals.values_list("pk", flat=True))
        queue("report", instance.reports.values_list("pk", flat=True))


def _reports_at_or_below(page) -> None:
    """Reports at or under ``page``: a view restriction, a move or a new slug there changes
    whether and where they can be read."""
    if page is None or not page.pk:
        return
    queue(
        "report",
        ReportPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True),
    )


def report_changed(sender, instance, **kwargs):
    # Saving covers publishing, unpublishing and draft edits (a draft never changes the live
    # row, so re-reading it re-indexes the published text); deleting removes it.
    queue("report", [instance.pk])


def page_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, ReportPage):
        queue("report", [instance.pk])


def page_tree_changed(sender, instance, **kwargs):
    _reports_at_or_below(instance)


def restriction_changed(sender, instance, **kwargs):
    _reports_at_or_below(getattr(instance, "page", None))


def _survey_and_below(survey_ids) -> None:
    """A survey's document, its monthly results' and its cases' (they name its service)."""
    survey_ids = list(survey_ids)
    queue("survey", survey_ids)
    queue(
        "survey_result",
        SurveyResult.objects.filter(survey_id__in=survey_ids).values_list("pk", flat=True),
    )
    queue(
        "case",
        RectificationCase.objects.filter(survey_id__in=survey_ids).values_list("pk", flat=True),
    )


def survey_changed(sender, instance, **kwargs):
    _survey_and_below([instance.pk])


def survey_before_delete(sender, instance, **kwargs):
    # Its results go with it and its cases lose the link (SET_NULL sends no signal): read
    # them now, while they still point at it.
    _survey_and_below([instance.pk])


def question_changed(sender, instance, **kwargs):
    queue("survey", [instance.survey_id])


def survey_result_before_save(sender, instance, **kwargs):
    # An editor may move a month to another survey: both surveys' latest month changes.
    instance._search_survey_before = (
        SurveyResult.objects.filter(pk=instance.pk).values_list("survey_id", flat=True).first()
        if instance.pk
        else None
    )


def survey_result_changed(sender, instance, **kwargs):
    # The survey's document shows its latest month.
    queue("survey", [instance.survey_id, getattr(instance, "_search_survey_before", None)])
    queue("survey_result", [instance.pk])


def case_changed(sender, instance, **kwargs):
    queue("case", [instance.pk])


def _all_reports() -> None:
    """Reports chart indicators by code and index their names only while published; there
    are few reports, so a change to what is published re-reads all of them."""
    queue("report", ReportPage.objects.values_list("pk", flat=True))


def department_deleted(sender, instance, **kwargs):
    queue("department", [instance.pk])


def synonyms_changed(sender, **kwargs):
    synonyms.invalidate()


def connect() -> None:
    uid = "search-index"
    post_save.connect(goal_saved, sender=Goal, dispatch_uid=f"{uid}-goal-save")
    post_delete.connect(goal_deleted, sender=Goal, dispatch_uid=f"{uid}-goal-delete")
    m2m_changed.connect(
        goal_departments_changed, sender=Goal.co_departments.through, dispatch_uid=f"{uid}-goal-m2m"
    )
    post_save.connect(indicator_saved, sender=Indicator, dispatch_uid=f"{uid}-indicator-save")
    post_delete.connect(indicator_deleted, sender=Indicator, dispatch_uid=f"{uid}-indicator-delete")
    post_save.connect(
        measurement_changed, sender=Measurement, dispatch_uid=f"{uid}-measurement-save"
    )
    post_delete.connect(
        measurement_changed, sender=Measurement, dispatch_uid=f"{uid}-measurement-delete"
    )
    post_save.connect(
        correction_changed, sender=MeasurementCorrection, dispatch_uid=f"{uid}-correction-save"
    )
    pre_save.connect(cycle_before_save, sender=Cycle, dispatch_uid=f"{uid}-cycle-pre")
    post_save.connect(cycle_saved, sender=Cycle, dispatch_uid=f"{uid}-cycle-save")
    cycle_recomputed.connect(cycle_recomputed_handler, dispatch_uid=f"{uid}-cycle-recomputed")
    pre_save.connect(department_before_save, sender=Department, dispatch_uid=f"{uid}-dept-pre")
    post_save.connect(department_saved, sender=Department, dispatch_uid=f"{uid}-dept-save")
    post_delete.connect(department_deleted, sender=Department, dispatch_uid=f"{uid}-dept-delete")
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
    pre_delete.connect(survey_before_delete, sender=Survey, dispatch_uid=f"{uid}-survey-pre-del")
    pre_save.connect(
        survey_result_before_save, sender=SurveyResult, dispatch_uid=f"{uid}-survey-result-pre"
    )
    for model, handler in (
        (Survey, survey_changed),
        (SurveyQuestion, question_changed),
        (SurveyResult, survey_result_changed),
        (RectificationCase, case_changed),
    ):
        name = model._meta.model_name
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-{name}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-{name}-delete")
    post_save.connect(synonyms_changed, sender=SearchSynonym, dispatch_uid=f"{uid}-synonym-save")
    post_delete.connect(
        synonyms_changed, sender=SearchSynonym, dispatch_uid=f"{uid}-synonym-delete"
    )
