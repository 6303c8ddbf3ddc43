"""Surveys from published definitions: questions and answer options stored verbatim.

A definition is a dict as in ``survey_hmrc_feedback.json`` (the real data beside the
repository): ``{"survey": name, "intro": [...], "questions": [{"key", "type", "required",
"text", "hint", "max_length", "options": [{"code", "text"}, ...]}, ...]}``. Real surveys use
several five-point scales (satisfaction, ease, agreement, confidence); each question keeps its
own scale instead of being forced onto 非常满意…非常不满意.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from surveys.models import SCALE_POINTS, Service, Survey, SurveyQuestion

# Words in a scale's best answer (English as published, or Chinese) that name the scale.
SCALE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (SurveyQuestion.Scale.SATISFACTION, ("satisfied", "满意")),
    (SurveyQuestion.Scale.EASE, ("easy", "容易", "便捷", "方便")),
    (SurveyQuestion.Scale.AGREEMENT, ("agree", "同意")),
    (SurveyQuestion.Scale.CONFIDENCE, ("confident", "信心")),
)
CHOICE_TYPES = {"single_choice", "choice", "scale"}
MULTIPLE_TYPES = {"multiple_choice", "multiple"}
TEXT_TYPES = {"free_text", "text"}


def option_label(option) -> str:
    """The label of an option given as text or as ``{"code": ..., "text": ...}``."""
    if isinstance(option, dict):
        return option.get("text") or option.get("code") or ""
    return str(option)


def scale_of(question: dict) -> str:
    """The five-point scale a choice question uses, or "" when it is not a known scale.

    An explicit ``"scale"`` wins; otherwise the best (first) answer names it: "Very easy" is
    the ease scale, "Strongly agree" agreement, "Very confident" confidence.
    """
    explicit = question.get("scale")
    if explicit:
        if explicit not in SurveyQuestion.Scale.values:
            raise ValidationError(
                _('Question "%(key)s": unknown scale "%(scale)s".'),
                params={"key": question.get("key", "?"), "scale": explicit},
            )
        return explicit
    options = question.get("options") or []
    if len(options) != SCALE_POINTS:
        return ""
    best = option_label(options[0]).casefold()
    code = str(options[0].get("code", "")).casefold() if isinstance(options[0], dict) else ""
    for scale, words in SCALE_WORDS:
        if any(word in best or word in code for word in words):
            return scale
    return ""


def question_from_definition(question: dict) -> SurveyQuestion:
    """An unsaved question: text, hint, options and limits exactly as defined."""
    kind_name = question.get("type")
    options = [option_label(option) for option in question.get("options") or []]
    if kind_name in TEXT_TYPES:
        kind, scale = SurveyQuestion.Kind.TEXT, ""
    elif kind_name in MULTIPLE_TYPES:
        kind, scale = SurveyQuestion.Kind.MULTIPLE, ""
    elif kind_name in CHOICE_TYPES:
        scale = scale_of(question)
        kind = SurveyQuestion.Kind.SCALE if scale else SurveyQuestion.Kind.CHOICE
    else:
        raise ValidationError(
            _('Question "%(key)s": unknown question type "%(type)s".'),
            params={"key": question.get("key", "?"), "type": kind_name},
        )
    text = question.get("text") or ""
    condition = question.get("show_if") or {}
    return SurveyQuestion(
        key=str(question.get("key") or "")[:60],
        show_if_key=str(condition.get("question") or "")[:60],
        show_if_answers=[str(answer) for answer in condition.get("answers") or []],
        text=text,
        # The published texts are English: the English site shows them as they are.
        text_en=question.get("text_en", text),
        hint=question.get("hint") or "",
        kind=kind,
        scale=scale,
        options=options,
        required=bool(question.get("required", False)),
        max_length=question.get("max_length") if kind == SurveyQuestion.Kind.TEXT else None,
    )


@transaction.atomic
def survey_from_definition(
    definition: dict,
    department: Department,
    *,
    slug: str,
    title: str | None = None,
    services: Iterable[Service] = (),
) -> Survey:
    """Store a survey definition as a Survey with its questions, in the defined order.

    Everything is validated (``full_clean``) before it is written, and it is written in one
    transaction: a bad question leaves no half-made survey behind.
    """
    name = title or definition.get("survey") or slug
    survey = Survey(
        department=department,
        title=name,
        title_en=definition.get("survey", ""),
        slug=slug,
        description="\n\n".join(definition.get("intro") or []),
    )
    survey.full_clean()
    questions = [question_from_definition(q) for q in definition.get("questions") or []]
    for question in questions:
        question.full_clean(exclude=["survey"])
    survey.save()
    for order, question in enumerate(questions):
        question.survey = survey
        question.sort_order = order
        question.save()
    survey.services.set(services)
    return survey


def load_definitions(
    data: dict, department: Department, *, slug_prefix: str, services: Iterable[Service] = ()
) -> list[Survey]:
    """Every survey of a published file (``{"surveys": [...]}`` or one definition), all or
    none: slugs ``<prefix>-1``, ``<prefix>-2``… in the file's order."""
    definitions = data.get("surveys") if isinstance(data, dict) and "surveys" in data else [data]
    if not isinstance(definitions, list) or not all(isinstance(d, dict) for d in definitions):
        raise ValidationError(_("The file holds no survey definitions."))
    services = list(services)
    with transaction.atomic():
        return [
            survey_from_definition(
                definition,
                department,
                slug=slug_prefix if len(definitions) == 1 else f"{slug_prefix}-{number}",
                services=services,
            )
            for number, definition in enumerate(definitions, start=1)
        ]
