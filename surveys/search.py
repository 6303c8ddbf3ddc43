"""Surveys and rectification cases in the site search: their documents and the handlers that
keep them true.

What is public is read from the models' own rules (``Survey.objects.public()``,
``SurveyResult.objects.public()``, ``RectificationCase.objects.public()``). A survey's document
holds the service, the questions and the latest month's result; each month's result and each
public case is a document of its own (a case's resident comment only once moderated; responses
and answers are never indexed, nor are the results of one service: ``survey_result`` documents
are whole surveys). ``register()`` runs from the app's ``ready()``: it
registers the sources with search and connects the handlers, which queue the documents a change
may alter (search writes them after the commit).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from search import signals
from search.backends.base import SearchDocument
from search.documents import (
    CHUNK,
    department_fields,
    document_id,
    group_key,
    int_pks,
    number_text,
    register_source,
)
from search.indexing import queue
from search.text import pinyin_text
from surveys.models import RectificationCase, Service, Survey, SurveyQuestion, SurveyResult


def _percent(value) -> str:
    return f"{number_text(value)}%" if value is not None else ""


def _result_summary(result) -> str:
    """A month's survey result in words, e.g. 2025年3月：有效评价120份，满意率93.4%，平均4.6分
    (indexed in the city's language, like the rest of the data)."""
    text = f"{result.period.year}年{result.period.month}月：有效评价{result.responses}份"
    if result.satisfied_share is not None:
        text += f"，满意率{_percent(result.satisfied_share)}"
    if result.mean_score is not None:
        text += f"，平均{number_text(result.mean_score)}分"
    return text


def _result_extra(result) -> dict:
    return {
        "satisfied_share": number_text(result.satisfied_share) if result else "",
        "mean_score": number_text(result.mean_score) if result else "",
        "responses": result.responses if result else None,
    }


def _service_text(survey) -> str:
    """The services' Chinese names (the index is in the city's language)."""
    return " ".join(service.name for service in survey.services.all())


def survey_documents(pks=None) -> Iterator[SearchDocument]:
    """Surveys whose results are public: the service, the questions and the latest month's
    result (satisfied share and responses); the year is that month's. Each month's result is
    a document of its own too (``survey_result_documents``)."""
    qs = (
        Survey.objects.public()
        .select_related("department")
        .prefetch_related(
            Prefetch("questions", queryset=SurveyQuestion.objects.order_by("sort_order", "pk")),
            "services",
        )
    )
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    surveys = list(qs.order_by("pk"))
    latest = SurveyResult.objects.latest_by_survey(surveys)
    for survey in surveys:
        dept = survey.department
        last = latest.get(survey.pk)
        questions = [q.text for q in survey.questions.all()]
        services = _service_text(survey)
        summary = _result_summary(last) if last else ""
        yield SearchDocument(
            id=document_id("survey", survey.pk),
            type="survey",
            # The survey and its months are one thing to a reader: shown once.
            group=group_key("survey", survey.pk),
            title=survey.title,
            body="\n".join(filter(None, [services, survey.description, summary, *questions])),
            url=survey.get_absolute_url(),
            year=last.period.year if last else None,
            date=last.period if last else None,
            period=last.period.strftime("%Y-%m") if last else "",
            keywords=" ".join(filter(None, [services, survey.title_en, "满意度调查"])),
            pinyin=pinyin_text(survey.title, dept.name, dept.short_name),
            extra={
                **_result_extra(last),
                "department_en": dept.name_en,
                "title_en": survey.title_en,
            },
            **department_fields(dept.pk, dept.name, dept.short_name),
        )


def survey_result_documents(pks=None) -> Iterator[SearchDocument]:
    """One document per month of a public survey's results, so every past year is found."""
    qs = (
        SurveyResult.objects.public()
        .whole_survey()
        .select_related("survey", "survey__department")
        .prefetch_related("survey__services")
    )
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for result in qs.order_by("pk").iterator(chunk_size=CHUNK):
        survey, dept = result.survey, result.survey.department
        yield SearchDocument(
            id=document_id("survey_result", result.pk),
            type="survey_result",
            group=group_key("survey", survey.pk),
            title=survey.title,
            body="；".join(filter(None, [_result_summary(result), result.note, result.source])),
            url=f"{survey.get_absolute_url()}#m-{result.period:%Y-%m}",
            year=result.period.year,
            date=result.period,
            period=result.period.strftime("%Y-%m"),
            keywords=" ".join(
                filter(None, [_service_text(survey), f"{result.period:%Y-%m}", "满意率"])
            ),
            pinyin=pinyin_text(survey.title, dept.name, dept.short_name),
            extra={**_result_extra(result), "department_en": dept.name_en},
            **department_fields(dept.pk, dept.name, dept.short_name),
        )


def count_survey_results() -> int:
    return SurveyResult.objects.public().whole_survey().count()


def count_surveys() -> int:
    return Survey.objects.public().count()


# Indexed words for a case's state, in the city's language whatever the indexing process's.
CASE_STATUS_WORDS = {"open": "整改中", "done": "已完成 整改完成"}


def case_public_text(case: RectificationCase) -> list[str]:
    """What a case's page shows of the report and the answer: the problem, the resident's
    comment only once moderated (masked when saved), the department's explanation. Nothing of
    an unmoderated comment, nor of any response or answer, is ever indexed."""
    comment = case.comment if case.comment_moderated else ""
    return [case.problem, comment, case.explanation]


def case_documents(pks=None) -> Iterator[SearchDocument]:
    """Public rectification cases: what residents reported (a comment once moderated), what was
    done, the result, the department's explanation."""
    qs = (
        RectificationCase.objects.public()
        .select_related("department", "survey")
        .prefetch_related("survey__services")
    )
    public_surveys = set(Survey.objects.public().values_list("pk", flat=True))
    if pks is not None:
        qs = qs.filter(pk__in=int_pks(pks))
    for case in qs.order_by("pk").iterator(chunk_size=500):
        dept = case.department
        yield SearchDocument(
            id=document_id("case", case.pk),
            type="case",
            title=case.title,
            body="\n".join(filter(None, [*case_public_text(case), case.measures, case.result])),
            url=case.get_absolute_url(),
            year=case.reported_on.year,
            date=case.resolved_on or case.reported_on,
            period=case.reported_on.strftime("%Y-%m"),
            keywords=" ".join(
                filter(
                    None,
                    [
                        CASE_STATUS_WORDS.get(case.status, ""),
                        # Only a public survey's service: the case page hides a private one.
                        _service_text(case.survey) if case.survey_id in public_surveys else "",
                    ],
                )
            ),
            pinyin=pinyin_text(case.title, dept.name, dept.short_name),
            extra={"case_status": case.status, "department_en": dept.name_en},
            **department_fields(dept.pk, dept.name, dept.short_name),
        )


def count_cases() -> int:
    return RectificationCase.objects.public().count()


# ---- keeping the documents true ----------------------------------------------------------


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


def service_changed(sender, instance, **kwargs):
    # Survey documents and their months' and cases' keywords name the services.
    _survey_and_below(instance.surveys.values_list("pk", flat=True))


def survey_services_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Survey):
        _survey_and_below([instance.pk])
    else:
        _survey_and_below(instance.surveys.values_list("pk", flat=True))


def department_changed(sender, instance, **kwargs):
    # Surveys and cases name their department and are public only while it is active.
    _survey_and_below(instance.surveys.values_list("pk", flat=True))
    queue("case", instance.rectification_cases.values_list("pk", flat=True))


def register() -> None:
    register_source(
        "survey",
        survey_documents,
        label=_("Survey"),
        count_fn=count_surveys,
        order=60,
        group_unit="months",
    )
    register_source(
        "survey_result",
        survey_result_documents,
        label=_("Survey result"),
        count_fn=count_survey_results,
        order=65,
    )
    register_source(
        "case", case_documents, label=_("Rectification case"), count_fn=count_cases, order=70
    )
    uid = "surveys-search"
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
    post_save.connect(service_changed, sender=Service, dispatch_uid=f"{uid}-service-save")
    pre_delete.connect(service_changed, sender=Service, dispatch_uid=f"{uid}-service-del")
    m2m_changed.connect(
        survey_services_changed,
        sender=Survey.services.through,
        dispatch_uid=f"{uid}-survey-services",
    )
    signals.department_changed.connect(department_changed, dispatch_uid=f"{uid}-department")
