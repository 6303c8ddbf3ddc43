"""The search parameters, shared by the search page and the JSON endpoint.

Bad input never fails the request: a long query is cut (and the visitor told), unknown filter
values are dropped, pages out of range are clamped. Query-syntax characters need no escaping
here because the backends match only letters, digits and Chinese characters
(``search.text.TOKEN_RUN``).
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Department, Indicator, Status
from portal.params import parse_id
from search import documents
from search.backends.base import MAX_PAGE, MAX_QUERY_CHARS, PER_PAGE, SORTS, SearchQuery

MAX_VALUES = 50  # per filter: more is not a person choosing
MAX_GROUP_CHARS = 400  # a group key: "<type>:" and a department and a name at most
YEAR_MIN, YEAR_MAX = 1990, 2100
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class SearchForm(forms.Form):
    """Validates ?q=&type=&department=&year=&dimension=&status=&year_from=&year_to=&sort=&page=
    and &group= (the results of one group: a survey's months, an indicator's years)."""

    q = forms.CharField(
        label=gettext_lazy("Search for"),
        required=False,
        help_text=gettext_lazy(
            "Words, a department, an indicator code, or pinyin (e.g. gaj for 公安局)."
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.notices: list[str] = []
        self._query: SearchQuery | None = None

    # ---- parsing ----------------------------------------------------------------------

    def _values(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        raw = getlist(name) if getlist else self.data.get(name, [])
        if isinstance(raw, str):
            raw = [raw]
        values: list[str] = []
        for value in raw:
            for part in str(value).split(","):
                part = part.strip()
                if part and part not in values:
                    values.append(part)
        return values[: MAX_VALUES * 2]

    def _choose(self, name: str, allowed, convert=str) -> tuple:
        chosen, unknown = [], False
        for value in self._values(name):
            converted = convert(value)
            if converted is None or converted not in allowed:
                unknown = True
                continue
            if converted not in chosen:
                chosen.append(converted)
        return tuple(chosen[:MAX_VALUES]), unknown

    def search_query(self) -> SearchQuery:
        """The normalised query; ``notices`` says what was changed on the way."""
        if self._query is not None:
            return self._query
        data = self.data
        text = CONTROL.sub(" ", str(data.get("q", "") or ""))
        text = " ".join(text.split())
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS].rstrip()
            self.notices.append(
                _(
                    "Your search was longer than %(max)d characters; only the first %(max)d are used."
                )
                % {"max": MAX_QUERY_CHARS}
            )

        unknown = False
        types, bad = self._choose("type", {s.type for s in documents.sources()})
        unknown |= bad
        wanted_departments, bad = self._choose("department", _AnyInt(), parse_id)
        unknown |= bad
        departments: tuple[int, ...] = ()
        if wanted_departments:
            known = set(
                Department.objects.filter(pk__in=wanted_departments).values_list("pk", flat=True)
            )
            departments = tuple(d for d in wanted_departments if d in known)
            unknown |= len(departments) != len(wanted_departments)
        years, bad = self._choose("year", range(YEAR_MIN, YEAR_MAX + 1), _int)
        unknown |= bad
        dimensions, bad = self._choose("dimension", set(Indicator.Dimension.values))
        unknown |= bad
        statuses, bad = self._choose("status", set(Status.values))
        unknown |= bad

        year_from = self._year("year_from")
        year_to = self._year("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
            self.notices.append(
                _("The year range was reversed; it now runs from the earlier year.")
            )

        sort = str(data.get("sort", "") or "relevance")
        if sort not in SORTS:
            sort, unknown = "relevance", True

        page = 1
        raw_page = str(data.get("page", "") or "").strip()
        if raw_page:
            number = _int(raw_page)
            if number is None or number < 1:
                self.notices.append(
                    _("“%(page)s” is not a page number; showing the first page.")
                    % {"page": raw_page[:20]}
                )
            elif number > MAX_PAGE:
                page = MAX_PAGE
                self.notices.append(
                    _(
                        "Only the first %(max)d pages of results are shown; showing page %(max)d. "
                        "Narrow the search to see more."
                    )
                    % {"max": MAX_PAGE}
                )
            else:
                page = number
        group = CONTROL.sub("", str(data.get("group", "") or "")).strip()
        if group and (
            len(group) > MAX_GROUP_CHARS or documents.get_source(group.partition(":")[0]) is None
        ):
            group, unknown = "", True
        if unknown:
            self.notices.append(_("Some filters were not recognised and have been ignored."))

        self._query = SearchQuery(
            text=text,
            types=types,
            departments=departments,
            years=years,
            dimensions=dimensions,
            statuses=statuses,
            year_from=year_from,
            year_to=year_to,
            sort=sort,
            page=page,
            per_page=PER_PAGE,
            group=group,
        )
        return self._query

    def _year(self, name: str) -> int | None:
        raw = str(self.data.get(name, "") or "").strip()
        if not raw:
            return None
        year = _int(raw)
        if year is None or not YEAR_MIN <= year <= YEAR_MAX:
            self.notices.append(
                _("“%(value)s” is not a year; that limit has been ignored.") % {"value": raw[:20]}
            )
            return None
        return year

    @property
    def has_criteria(self) -> bool:
        """Whether there is anything to search for (words or at least one filter)."""
        q = self.search_query()
        return bool(
            q.text
            or q.types
            or q.departments
            or q.years
            or q.dimensions
            or q.statuses
            or q.year_from is not None
            or q.year_to is not None
            or q.group
        )


class _AnyInt:
    """Membership test for 'any positive integer' (departments are checked in one query)."""

    def __contains__(self, value) -> bool:
        return isinstance(value, int) and value > 0
