"""The search page (/search/) and its JSON twin (/search/api/) for media and researchers.

Both take the same parameters (``search/forms.py``). Hits carry everything they show, so a
page issues a fixed handful of SQL queries whatever it finds (department names for the facet
labels, one query; validating department filters, one query). When the backend cannot answer,
the page says so (HTTP 200, the site keeps working) and the API answers 503 with a message.
"""

from __future__ import annotations

import logging
import math

from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from portal.i18n import is_english, localized
from portal.models import Department, Indicator, Status
from search import documents
from search.backends import get_backend
from search.backends.base import FACETS, MAX_PAGE, SearchQuery, SearchResults, SearchUnavailable
from search.forms import SearchForm
from search.highlight import highlight, highlight_pattern
from search.synonyms import synonym_groups

logger = logging.getLogger(__name__)

STATUS_ORDER = [s.value for s in Status]
DIMENSION_ORDER = [d.value for d in Indicator.Dimension]


def facet_labels() -> dict[str, str]:
    return {
        "type": _("Type"),
        "department": _("Department"),
        "year": _("Year"),
        "dimension": _("Dimension"),
        "status": _("Status"),
    }


def last_page(results: SearchResults) -> int:
    return max(1, min(MAX_PAGE, math.ceil(results.total / max(1, results.per_page))))


def run_search(form: SearchForm) -> tuple[SearchQuery, SearchResults]:
    """Search; a page beyond the last one shows the last one (and says so)."""
    query = form.search_query()
    backend = get_backend()
    results = backend.search(query)
    if results.total and query.page > last_page(results):
        page = last_page(results)
        form.notices.append(
            _("There is no page %(page)d of these results; showing page %(last)d, the last.")
            % {"page": query.page, "last": page}
        )
        query = _with_page(query, page)
        results = backend.search(query)
    return query, results


def _with_page(query: SearchQuery, page: int) -> SearchQuery:
    from dataclasses import replace

    return replace(query, page=page)


def _department_names(ids) -> dict[str, str]:
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return {}
    english = is_english()
    return {
        str(pk): localized(name, name_en, english=english)
        for pk, name, name_en in Department.objects.filter(pk__in=ids).values_list(
            "pk", "name", "name_en"
        )
    }


def _value_label(facet: str, value: str, departments: dict[str, str]) -> str:
    if facet == "type":
        return documents.type_label(value)
    if facet == "department":
        return departments.get(value, value)
    if facet == "dimension":
        try:
            return str(Indicator.Dimension(value).label)
        except ValueError:
            return value
    if facet == "status":
        try:
            return str(Status(value).label)
        except ValueError:
            return value
    return value


def _selected(query: SearchQuery) -> dict[str, set[str]]:
    return {
        "type": set(query.types),
        "department": {str(d) for d in query.departments},
        "year": {str(y) for y in query.years},
        "dimension": set(query.dimensions),
        "status": set(query.statuses),
    }


def facet_groups(query: SearchQuery, results: SearchResults) -> list[dict]:
    """Facets with labels, counts and whether each value is chosen, in a stable order."""
    selected = _selected(query)
    department_ids = {v for v, _n in results.facets.get("department", [])} | selected["department"]
    departments = _department_names(department_ids)
    type_order = [s.type for s in documents.sources()]
    groups = []
    labels = facet_labels()
    for facet in FACETS:
        counts = dict(results.facets.get(facet, []))
        for value in selected[facet]:
            counts.setdefault(value, 0)  # a chosen value stays visible, so it can be unchosen
        options = [
            {
                "value": value,
                "label": _value_label(facet, value, departments),
                "count": count,
                "checked": value in selected[facet],
            }
            for value, count in counts.items()
        ]
        if facet == "type":
            options.sort(key=lambda o: _position(type_order, o["value"]))
        elif facet == "year":
            options.sort(key=lambda o: o["value"], reverse=True)
        elif facet == "dimension":
            options.sort(key=lambda o: _position(DIMENSION_ORDER, o["value"]))
        elif facet == "status":
            options.sort(key=lambda o: _position(STATUS_ORDER, o["value"]))
        else:
            options.sort(key=lambda o: (-o["count"], o["label"]))
        if options:
            groups.append({"name": facet, "label": labels[facet], "options": options})
    return groups


def _position(order: list[str], value: str) -> int:
    return order.index(value) if value in order else len(order)


def more_label(group: str, count: int) -> str:
    """ "11 more months", "2 more years": what the rest of a shown group is."""
    unit = documents.group_unit(group)
    if unit == "months":
        return ngettext("%(count)d more month", "%(count)d more months", count) % {"count": count}
    if unit == "years":
        return ngettext("%(count)d more year", "%(count)d more years", count) % {"count": count}
    return ngettext("%(count)d more result", "%(count)d more results", count) % {"count": count}


def more_url(params, group: str) -> str:
    """The same search narrowed to one group: every matching month or year of it."""
    narrowed = params.copy() if params is not None else QueryDict(mutable=True)
    for key in ("page", "group"):
        narrowed.pop(key, None)
    narrowed["group"] = group
    return f"{reverse('search:search')}?{narrowed.urlencode()}"


def present_hits(query: SearchQuery, results: SearchResults, params=None) -> list[dict]:
    """What the page and the API show for each hit; no database query per hit. ``params``:
    the request's query string, to link a group's other results."""
    pattern = highlight_pattern(query.text, synonym_groups()) if query.text else None
    english = is_english()
    rows = []
    for hit in results.hits:
        extra = hit.extra or {}
        department = hit.department
        if english and extra.get("department_en"):
            department = extra["department_en"]
        value, value_label = "", ""
        if hit.type == "result" and extra.get("value") not in (None, ""):
            value = f"{extra['value']}{extra.get('unit', '')}"
            value_label = _("Value")
        elif hit.type == "indicator" and extra.get("latest_value") not in (None, ""):
            value = f"{extra['latest_value']}{extra.get('unit', '')}"
            value_label = _("Latest value")
        elif hit.type in ("survey", "survey_result") and extra.get("satisfied_share") not in (
            None,
            "",
        ):
            value = f"{extra['satisfied_share']}%"
            value_label = _("Satisfied share")
        more = hit.group_count - 1 if query.collapsed else 0
        rows.append(
            {
                "id": hit.id,
                "type": hit.type,
                "type_label": documents.type_label(hit.type),
                "title": hit.title,
                "title_html": mark_safe(highlight(hit.title, pattern)),
                "url": hit.url,
                "snippet": mark_safe(hit.snippet),
                "department": department,
                "year": hit.year,
                "period": hit.period,
                "date": hit.date.isoformat() if hit.date else None,
                "dimension": hit.dimension,
                "dimension_label": _value_label("dimension", hit.dimension, {})
                if hit.dimension
                else "",
                "status": hit.status,
                "value": value,
                "value_label": str(value_label),
                "corrected": bool(extra.get("corrected")),
                "extra": extra,
                "group": hit.group or hit.id,
                "group_count": hit.group_count if query.collapsed else 1,
                "more": more,
                "more_label": more_label(hit.group, more) if more else "",
                "more_url": more_url(params, hit.group) if more else "",
            }
        )
    return rows


def pages(current: int, last: int) -> list[int | None]:
    """Page numbers to link: first, last and two either side of the current one (None = gap)."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    result: list[int | None] = []
    for number in shown:
        if result and number - (result[-1] or 0) > 1:
            result.append(None)
        result.append(number)
    return result


def _group_title(query: SearchQuery, results: SearchResults) -> str:
    """The title of the group a search is narrowed to (its documents share it)."""
    if not query.group or not results.hits:
        return ""
    return results.hits[0].title


@require_safe
def search_page(request):
    form = SearchForm(request.GET)
    query = form.search_query()
    context = {
        "form": form,
        "query": query,
        "searched": form.has_criteria,
        "unavailable": False,
    }
    if form.has_criteria:
        try:
            query, results = run_search(form)
        except SearchUnavailable as exc:
            logger.warning("search unavailable: %s", exc)
            context["unavailable"] = True
        else:
            last = last_page(results)
            context.update(
                query=query,
                results=results,
                hits=present_hits(query, results, request.GET),
                group_title=_group_title(query, results),
                facets=facet_groups(query, results),
                last_page=last,
                pages=pages(query.page, last) if results.total else [],
                first_shown=(query.page - 1) * query.per_page + 1,
                last_shown=(query.page - 1) * query.per_page + len(results.hits),
            )
    elif "q" in request.GET:
        form.notices.append(_("Type a word to search for, or choose a filter."))
    context["notices"] = form.notices
    return render(request, "search/search.html", context)


@require_safe
def search_api(request):
    form = SearchForm(request.GET)
    query = form.search_query()
    payload = {
        "query": {
            "q": query.text,
            "type": list(query.types),
            "department": list(query.departments),
            "year": list(query.years),
            "dimension": list(query.dimensions),
            "status": list(query.statuses),
            "year_from": query.year_from,
            "year_to": query.year_to,
            "sort": query.sort,
            "page": query.page,
            "group": query.group,
        },
    }
    if not form.has_criteria:
        form.notices.append(_("Give a search term (q) or at least one filter."))
        payload.update(total=0, page=1, pages=0, per_page=query.per_page, results=[], facets={})
        payload["suggestion"] = ""
        payload["notices"] = form.notices
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    try:
        query, results = run_search(form)
    except SearchUnavailable as exc:
        logger.warning("search unavailable: %s", exc)
        payload.update(
            error="search_unavailable",
            message=_("Search is temporarily unavailable. Please try again in a few minutes."),
            notices=form.notices,
        )
        return JsonResponse(payload, status=503, json_dumps_params={"ensure_ascii": False})
    payload["query"]["page"] = query.page
    hits = present_hits(query, results, request.GET)
    payload.update(
        total=results.total,
        page=query.page,
        pages=last_page(results) if results.total else 0,
        per_page=results.per_page,
        results=[
            {
                key: hit[key]
                for key in (
                    "id",
                    "type",
                    "type_label",
                    "title",
                    "url",
                    "snippet",
                    "department",
                    "year",
                    "period",
                    "date",
                    "dimension",
                    "status",
                    "extra",
                    "group",
                    "group_count",
                )
            }
            | {
                "url": request.build_absolute_uri(hit["url"]),
                "snippet": str(hit["snippet"]),
                # The same search narrowed to this group, as JSON (null when it is alone).
                "group_url": request.build_absolute_uri(
                    hit["more_url"].replace(reverse("search:search"), reverse("search:api"), 1)
                )
                if hit["more_url"]
                else None,
            }
            for hit in hits
        ],
        facets={
            group["name"]: [
                {"value": o["value"], "label": o["label"], "count": o["count"]}
                for o in group["options"]
            ]
            for group in facet_groups(query, results)
        },
        suggestion=results.suggestion,
        notices=form.notices,
    )
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
