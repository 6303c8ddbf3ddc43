"""Surveys' models: surveys and their questions, the services residents rate, the responses
residents send (one row per answer), monthly results and rectification cases."""

from surveys.models.cases import RectificationCase
from surveys.models.responses import Answer, Response
from surveys.models.results import SurveyResult
from surveys.models.services import Service
from surveys.models.surveys import (
    MAX_SCORE,
    MIN_SCORE,
    SCALE_POINTS,
    Survey,
    SurveyQuestion,
    default_scale_labels,
    public_survey_q,
    scale_labels_by_level,
)

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "SCALE_POINTS",
    "Answer",
    "RectificationCase",
    "Response",
    "Service",
    "Survey",
    "SurveyQuestion",
    "SurveyResult",
    "default_scale_labels",
    "scale_labels_by_level",
    "public_survey_q",
]
