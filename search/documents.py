"""What is searchable, built as flat ``SearchDocument``s from the domain.

Each kind of document is a *source*: a function that yields the public documents of that type,
either all of them (a rebuild) or those of some primary keys (an update after a save). The
sources of the domain, of disclosure reports and of surveys are registered at the end of this
module (search depends on those apps, never the reverse); a further app may register its own
from its ``ready()``::

    from search.documents import register_source
    register_source("notice", notice_documents, label=_("Notice"), count_fn=count_notices)

Only public data is ever built: goals, indicators and monthly results of *published* cycles
(every year, not only the current one), active departments, live reports behind no view
restriction, surveys whose results are public (and their months), and public cases. A primary key that yields no
document is removed from the index, which is how unpublishing and deleting take effect.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.backends.base import SearchDocument
from search.text import pinyin_text

IteratorFn = Callable[[list | None], Iterable[SearchDocument]]

CHUNK = 2000


@dataclass(frozen=True)
class DocumentSource:
    """A registered kind of document: its type code, label and how to build its documents."""

    type: str
    iterate: IteratorFn  # iterate(None) → every public document; iterate([pk, ...]) → those
    label: object
    count: Callable[[], int] | None = None
    order: int = 100


_SOURCES: dict[str, DocumentSource] = {}


def register_source(
    type: str,
    iterator_fn: IteratorFn,
    *,
    label=None,
    count_fn: Callable[[], int] | None = None,
    order: int = 100,
) -> None:
    """Make a kind of document searchable.

    ``iterator_fn(pks)`` yields the *public* documents of this type: all of them when ``pks`` is
    None, else only those of the given primary keys (a key without a document — deleted,
    unpublished, private — is then removed from the index). Document ids are ``"<type>:<pk>"``.
    ``count_fn`` returns how many documents a rebuild will yield (for its progress bar).
    """
    _SOURCES[type] = DocumentSource(type, iterator_fn, label or type, count_fn, order)


def sources() -> list[DocumentSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.type))


def get_source(type: str) -> DocumentSource | None:
    return _SOURCES.get(type)


def type_label(type: str) -> str:
    source = _SOURCES.get(type)
    return str(source.label) if source else type


def document_id(type: str, pk) -> str:
    return f"{type}:{pk}"


def split_id(doc_id: str) -> tuple[str, str]:
    type, _sep, pk = doc_id.partition(":")
    return type, pk


def all_documents() -> Iterator[SearchDocument]:
    """Every public document of every source (what a rebuild indexes)."""
    for source in sources():
        yield from source.iterate(None)


def total_documents() -> int | None:
    """How many documents a rebuild yields, or None when a source cannot say."""
    total = 0
    for source in sources():
        if source.count is None:
            return None
        total += source.count()
    return total


def documents_for(type: str, pks: Iterable) -> tuple[list[SearchDocument], list[str]]:
    """The current documents of these keys, and the ids of keys that have none (to delete)."""
    pks = [str(pk) for pk in pks]
    source = _SOURCES.get(type)
    if source is None or not pks:
        return [], [document_id(type, pk) for pk in pks]
    docs = list(source.iterate(pks))
    found = {d.id for d in docs}
    missing = [document_id(type, pk) for pk in pks if document_id(type, pk) not in found]
    return docs, missing


# ---- the performance domain ------------------------------------------------------------


def _number(value) -> str:
    """A Decimal as people write it: 96.20 → 96.2, 1E+2 → 100."""
    if value is None:
        return ""
    value = Decimal(value)
    text = format(value.normalize(), "f")
    return text


def _int_pks(pks) -> list[int]:
    result = []
    for pk in pks:
        try:
            result.append(int(pk))
        except (TypeError, ValueError):
            continue
    return result


def _department_fields(dept_id, name, short, name_en) -> dict:
    return {
        "department_id": dept_id,
        "department": name or "",
        "department_short": short or "",
    }


def department_documents(pks=None) -> Iterator[SearchDocument]:
    """Active departments: their page is the best answer to a department's name."""
    from portal.models import Department

    qs = Department.objects.filter(active=True)
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    for dept in qs.order_by("pk").iterator(chunk_size=CHUNK):
        yield SearchDocument(
            id=document_id("department", dept.pk),
            type="department",
            title=dept.name,
            body=dept.description,
            url=reverse("portal:department", kwargs={"slug": dept.slug}),
            keywords=" ".join(filter(None, [dept.short_name, dept.name_en, dept.slug])),
            pinyin=pinyin_text(dept.name, dept.short_name),
            extra={"name_en": dept.name_en, "category": dept.category},
            **_department_fields(dept.pk, dept.name, dept.short_name, dept.name_en),
        )


def count_departments() -> int:
    from portal.models import Department

    return Department.objects.filter(active=True).count()


def goal_documents(pks=None) -> Iterator[SearchDocument]:
    """Goals of published cycles, with their lead and co-departments."""
    from portal.models import Goal

    qs = (
        Goal.objects.filter(cycle__published=True)
        .select_related("cycle", "owner", "parent")
        .prefetch_related("co_departments")
    )
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    for goal in qs.order_by("pk").iterator(chunk_size=CHUNK):
        owner, cycle = goal.owner, goal.cycle
        co = [d.name for d in goal.co_departments.all()]
        body = "\n".join(
            filter(None, [goal.description, goal.target_statement, goal.measure, goal.source])
        )
        yield SearchDocument(
            id=document_id("goal", goal.pk),
            type="goal",
            title=goal.title,
            body=body,
            url=reverse("portal:goal", kwargs={"year": cycle.year, "code": goal.code}),
            year=cycle.year,
            status=goal.status,
            date=cycle.start_date,
            period=str(cycle.year),
            keywords=" ".join([goal.code, *co, goal.parent.title if goal.parent else ""]),
            pinyin=pinyin_text(goal.title, owner.name, owner.short_name),
            extra={
                "code": goal.code,
                "level": goal.level,
                "deadline": goal.deadline.isoformat() if goal.deadline else "",
                "department_en": owner.name_en,
            },
            **_department_fields(owner.pk, owner.name, owner.short_name, owner.name_en),
        )


def count_goals() -> int:
    from portal.models import Goal

    return Goal.objects.filter(cycle__published=True).count()


def indicator_documents(pks=None) -> Iterator[SearchDocument]:
    """Indicators of published cycles with their latest value, status and department."""
    from portal.models import Indicator

    qs = Indicator.objects.filter(goal__cycle__published=True).select_related(
        "goal", "goal__cycle", "goal__owner"
    )
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    for ind in qs.order_by("pk").iterator(chunk_size=CHUNK):
        goal, owner, cycle = ind.goal, ind.goal.owner, ind.goal.cycle
        latest = ind.latest_period
        body = "\n".join(filter(None, [goal.title, ind.methodology, ind.source_description]))
        yield SearchDocument(
            id=document_id("indicator", ind.pk),
            type="indicator",
            title=ind.name,
            body=body,
            url=reverse("portal:indicator", kwargs={"code": ind.code}),
            year=cycle.year,
            dimension=ind.dimension,
            status=ind.status,
            date=latest or cycle.start_date,
            period=latest.strftime("%Y-%m") if latest else str(cycle.year),
            keywords=" ".join(filter(None, [ind.code, goal.code, ind.unit])),
            pinyin=pinyin_text(ind.name, owner.name, owner.short_name),
            extra={
                "code": ind.code,
                "unit": ind.unit,
                "target": _number(ind.target),
                "latest_value": _number(ind.latest_value),
                "latest_period": latest.strftime("%Y-%m") if latest else "",
                "goal": goal.title,
                "department_en": owner.name_en,
            },
            **_department_fields(owner.pk, owner.name, owner.short_name, owner.name_en),
        )


def count_indicators() -> int:
    from portal.models import Indicator

    return Indicator.objects.filter(goal__cycle__published=True).count()


RESULT_FIELDS = (
    "pk",
    "period",
    "value",
    "note",
    "source",
    "indicator__code",
    "indicator__name",
    "indicator__unit",
    "indicator__dimension",
    "indicator__target",
    "indicator__goal__cycle__year",
    "indicator__goal__owner_id",
    "indicator__goal__owner__name",
    "indicator__goal__owner__short_name",
    "indicator__goal__owner__name_en",
)


def result_documents(pks=None) -> Iterator[SearchDocument]:
    """One document per monthly figure (indicator × month) of published cycles.

    Read as plain values (not model instances): a rebuild of the scale-10 city reads ~150k rows.
    The status light belongs to the indicator as of its latest month (the domain keeps no
    per-month light), so results carry none; their indicator's document does.
    """
    from portal.models import Measurement, MeasurementCorrection

    qs = Measurement.objects.filter(indicator__goal__cycle__published=True).annotate(
        corrected=Exists(MeasurementCorrection.objects.filter(measurement=OuterRef("pk")))
    )
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    urls: dict[str, str] = {}
    for row in qs.order_by("pk").values(*RESULT_FIELDS, "corrected").iterator(chunk_size=CHUNK):
        code = row["indicator__code"]
        url = urls.get(code)
        if url is None:
            url = urls[code] = reverse("portal:indicator", kwargs={"code": code})
        period: datetime.date = row["period"]
        name, unit = row["indicator__name"], row["indicator__unit"]
        value = _number(row["value"])
        label = f"{period.year}年{period.month}月"
        body = "；".join(filter(None, [f"{label}：{value}{unit}", row["note"], row["source"]]))
        owner_name = row["indicator__goal__owner__name"]
        owner_short = row["indicator__goal__owner__short_name"]
        yield SearchDocument(
            id=document_id("result", row["pk"]),
            type="result",
            title=name,
            body=body,
            url=url,
            year=row["indicator__goal__cycle__year"],
            dimension=row["indicator__dimension"],
            date=period,
            period=period.strftime("%Y-%m"),
            keywords=f"{code} {period:%Y-%m} {unit}",
            pinyin=pinyin_text(name, owner_name, owner_short),
            extra={
                "indicator_code": code,
                "value": value,
                "unit": unit,
                "target": _number(row["indicator__target"]),
                "corrected": bool(row["corrected"]),
                "department_en": row["indicator__goal__owner__name_en"],
            },
            **_department_fields(
                row["indicator__goal__owner_id"],
                owner_name,
                owner_short,
                row["indicator__goal__owner__name_en"],
            ),
        )


def count_results() -> int:
    from portal.models import Measurement

    return Measurement.objects.filter(indicator__goal__cycle__published=True).count()


# ---- disclosure reports ------------------------------------------------------------------


def report_documents(pks=None) -> Iterator[SearchDocument]:
    """Published disclosure reports that anyone may read (no view restriction), full text:
    summary, headings, paragraphs, table cells and captions, chart captions."""
    from disclosure.models import ReportPage

    qs = ReportPage.objects.visible().select_related("department")
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
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
            period=str(page.year),
            keywords=" ".join(filter(None, [page.get_kind_display(), page.publisher])),
            pinyin=pinyin_text(page.title, *([dept.name, dept.short_name] if dept else [])),
            extra={
                "kind": page.kind,
                "publisher": page.publisher,
                "department_en": dept.name_en if dept else "",
            },
            **(
                _department_fields(dept.pk, dept.name, dept.short_name, dept.name_en)
                if dept
                else {}
            ),
        )


def count_reports() -> int:
    from disclosure.models import ReportPage

    return ReportPage.objects.visible().count()


# ---- satisfaction surveys and rectification cases ------------------------------------------


def _percent(value) -> str:
    return f"{_number(value)}%" if value is not None else ""


def _result_summary(result) -> str:
    """A month's survey result in words, e.g. 2025年3月：有效评价120份，满意率93.4%，平均4.6分
    (indexed in the city's language, like the rest of the data)."""
    text = f"{result.period.year}年{result.period.month}月：有效评价{result.responses}份"
    if result.satisfied_share is not None:
        text += f"，满意率{_percent(result.satisfied_share)}"
    if result.mean_score is not None:
        text += f"，平均{_number(result.mean_score)}分"
    return text


def _result_extra(result) -> dict:
    return {
        "satisfied_share": _number(result.satisfied_share) if result else "",
        "mean_score": _number(result.mean_score) if result else "",
        "responses": result.responses if result else None,
    }


def survey_documents(pks=None) -> Iterator[SearchDocument]:
    """Surveys whose results are public: the service, the questions and the latest month's
    result (satisfied share and responses); the year is that month's. Each month's result is
    a document of its own too (``survey_result_documents``)."""
    from django.db.models import Prefetch

    from surveys.models import Survey, SurveyQuestion, SurveyResult

    qs = (
        Survey.objects.public()
        .select_related("department")
        .prefetch_related(
            Prefetch("questions", queryset=SurveyQuestion.objects.order_by("sort_order", "pk")),
        )
    )
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    surveys = list(qs.order_by("pk"))
    latest = SurveyResult.objects.latest_by_survey(surveys)
    for survey in surveys:
        dept = survey.department
        last = latest.get(survey.pk)
        questions = [q.text for q in survey.questions.all()]
        summary = _result_summary(last) if last else ""
        yield SearchDocument(
            id=document_id("survey", survey.pk),
            type="survey",
            title=survey.title,
            body="\n".join(filter(None, [survey.service, survey.description, summary, *questions])),
            url=survey.get_absolute_url(),
            year=last.period.year if last else None,
            date=last.period if last else None,
            period=last.period.strftime("%Y-%m") if last else "",
            keywords=" ".join(filter(None, [survey.service, survey.title_en, "满意度调查"])),
            pinyin=pinyin_text(survey.title, dept.name, dept.short_name),
            extra={
                **_result_extra(last),
                "department_en": dept.name_en,
                "title_en": survey.title_en,
            },
            **_department_fields(dept.pk, dept.name, dept.short_name, dept.name_en),
        )


def survey_result_documents(pks=None) -> Iterator[SearchDocument]:
    """One document per month of a public survey's results, so every past year is found."""
    from surveys.models import SurveyResult

    qs = SurveyResult.objects.public().select_related("survey", "survey__department")
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    for result in qs.order_by("pk").iterator(chunk_size=CHUNK):
        survey, dept = result.survey, result.survey.department
        yield SearchDocument(
            id=document_id("survey_result", result.pk),
            type="survey_result",
            title=survey.title,
            body="；".join(filter(None, [_result_summary(result), result.note, result.source])),
            url=f"{survey.get_absolute_url()}#m-{result.period:%Y-%m}",
            year=result.period.year,
            date=result.period,
            period=result.period.strftime("%Y-%m"),
            keywords=" ".join(filter(None, [survey.service, f"{result.period:%Y-%m}", "满意率"])),
            pinyin=pinyin_text(survey.title, dept.name, dept.short_name),
            extra={**_result_extra(result), "department_en": dept.name_en},
            **_department_fields(dept.pk, dept.name, dept.short_name, dept.name_en),
        )


def count_survey_results() -> int:
    from surveys.models import SurveyResult

    return SurveyResult.objects.public().count()


def count_surveys() -> int:
    from surveys.models import Survey

    return Survey.objects.public().count()


# Indexed words for a case's state, in the city's language whatever the indexing process's.
CASE_STATUS_WORDS = {"open": "整改中", "done": "已完成 整改完成"}


def case_documents(pks=None) -> Iterator[SearchDocument]:
    """Public rectification cases: what residents reported, what was done, the result."""
    from surveys.models import RectificationCase, Survey

    qs = RectificationCase.objects.public().select_related("department", "survey")
    public_surveys = set(Survey.objects.public().values_list("pk", flat=True))
    if pks is not None:
        qs = qs.filter(pk__in=_int_pks(pks))
    for case in qs.order_by("pk").iterator(chunk_size=500):
        dept = case.department
        yield SearchDocument(
            id=document_id("case", case.pk),
            type="case",
            title=case.title,
            body="\n".join(filter(None, [case.problem, case.measures, case.result])),
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
                        case.survey.service if case.survey_id in public_surveys else "",
                    ],
                )
            ),
            pinyin=pinyin_text(case.title, dept.name, dept.short_name),
            extra={"case_status": case.status, "department_en": dept.name_en},
            **_department_fields(dept.pk, dept.name, dept.short_name, dept.name_en),
        )


def count_cases() -> int:
    from surveys.models import RectificationCase

    return RectificationCase.objects.public().count()


register_source(
    "department", department_documents, label=_("Department"), count_fn=count_departments, order=10
)
register_source("goal", goal_documents, label=_("Goal"), count_fn=count_goals, order=20)
register_source(
    "indicator", indicator_documents, label=_("Indicator"), count_fn=count_indicators, order=30
)
register_source(
    "result", result_documents, label=_("Monthly result"), count_fn=count_results, order=40
)
register_source("report", report_documents, label=_("Report"), count_fn=count_reports, order=50)
register_source("survey", survey_documents, label=_("Survey"), count_fn=count_surveys, order=60)
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
