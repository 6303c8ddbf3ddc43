"""What the rating form needs of a survey — the survey with its department, its public
services and its questions — held in each worker's memory under the site's data version.

The rating form is the site's busiest write, and these three reads were three of its eight
round trips to the database. Every change to a survey, question, service or department bumps
the data version in the shared cache (``portal.cache``), so a worker reloads at its next rating
after an editor's change, whichever worker the change was made in. Only surveys that exist are
held (an unknown address is looked up every time; it is a 404 anyway), and nothing is held
while the shared cache cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.cache import data_version
from surveys.models import Service, Survey, SurveyQuestion


@dataclass(frozen=True)
class RatingDefinition:
    survey: Survey
    services: list[Service]
    questions: list[SurveyQuestion]


_held: dict[str, tuple[int, RatingDefinition]] = {}


def rating_definition(slug: str) -> RatingDefinition | None:
    """The survey at ``slug`` that residents may rate (in use, of a current department, open
    or not), its public services by name and its questions in order; None if there is none."""
    version = data_version()  # read before the rows: a change meanwhile reloads next time
    held = _held.get(slug)
    if held is not None and version is not None and held[0] == version:
        return held[1]
    survey = (
        Survey.objects.filter(active=True, department__active=True, slug=slug)
        .select_related("department")
        .first()
    )
    if survey is None:
        _held.pop(slug, None)
        return None
    definition = RatingDefinition(
        survey=survey,
        services=list(survey.services.public().order_by("name")),
        questions=list(survey.questions.order_by("sort_order", "pk")),
    )
    if version is not None:  # the shared cache is reachable: a change will be seen
        _held[slug] = (version, definition)
    return definition


def forget_all() -> None:
    """Drop what this worker holds (tests start from nothing)."""
    _held.clear()
