"""The API's query parameters, read strictly: a value the API cannot use is a 400 that names
the parameter (``InvalidParameter``), never a guess and never a 500.

The public pages ignore a bad value with a notice (portal.params) because a page must always
render; a program asking the API should learn at once that its filter was not applied.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from api.errors import InvalidParameter
from portal.models import Cycle, Department, Indicator
from portal.params import MAX_ID

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^\d{4}$")
# The API's own parameters every list accepts besides its filters.
PAGING = ("cursor", "page_size")


def check_known(request, allowed) -> None:
    """A parameter the endpoint does not know is refused: a misspelt filter (``?departmnet=``)
    would otherwise return the unfiltered list as if it were the answer."""
    for name in request.query_params:
        if name not in allowed:
            raise InvalidParameter(
                name,
                _("Unknown parameter “%(name)s”. This endpoint accepts: %(allowed)s.")
                % {"name": name[:40], "allowed": ", ".join(allowed) or "—"},
            )


def single(request, name: str) -> str | None:
    """The parameter's one value ("" counts as absent); a repeated parameter is refused."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise InvalidParameter(name, _("Give “%(name)s” only once.") % {"name": name})
    value = values[0].strip() if values else ""
    return value or None


def month(request, name: str) -> datetime.date | None:
    """A month as ``YYYY-MM`` (the site's form of a month), as its first day."""
    raw = single(request, name)
    if raw is None:
        return None
    match = MONTH.match(raw)
    if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1:
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    raise InvalidParameter(
        name,
        _("“%(name)s” is a month written YYYY-MM, e.g. 2026-03 (got “%(value)s”).")
        % {"name": name, "value": raw[:20]},
    )


def month_range(request) -> tuple[datetime.date | None, datetime.date | None]:
    """``from`` and ``to`` months, both included; ``from`` after ``to`` is refused."""
    start, end = month(request, "from"), month(request, "to")
    if start and end and start > end:
        raise InvalidParameter("from", _("“from” is after “to”."))
    return start, end


def choice(request, name: str, choices) -> str | None:
    """One of the values of a ``TextChoices`` (the codes, which are English)."""
    raw = single(request, name)
    if raw is None:
        return None
    if raw not in choices.values:
        raise InvalidParameter(
            name,
            _("Unknown value “%(value)s” for “%(name)s”; use one of: %(values)s.")
            % {"value": raw[:40], "name": name, "values": ", ".join(choices.values)},
        )
    return raw


def year(request, name: str) -> int | None:
    raw = single(request, name)
    if raw is None:
        return None
    if not YEAR.match(raw):
        raise InvalidParameter(
            name, _("“%(name)s” is a four-digit year, e.g. 2026.") % {"name": name}
        )
    return int(raw)


def cycle(request, name: str = "cycle") -> Cycle | None:
    """A published cycle by its year. An unpublished cycle is answered as one that does not
    exist: the API never tells what is not public."""
    wanted = year(request, name)
    if wanted is None:
        return None
    # The published cycles are held in the worker's memory (portal.cache.held): no query.
    found = next((c for c in Cycle.objects.published_with_latest_month() if c.year == wanted), None)
    if found is None:
        raise InvalidParameter(
            name, _("There is no published evaluation year %(year)s.") % {"year": wanted}
        )
    return found


def department(request, name: str = "department") -> Department | None:
    """A department by its slug (the one in its page's address)."""
    raw = single(request, name)
    if raw is None:
        return None
    found = Department.objects.by_slug().get(raw)  # held in the worker's memory: no query
    if found is None:
        raise InvalidParameter(name, _("There is no department “%(slug)s”.") % {"slug": raw[:40]})
    return found


def indicator(request, name: str = "indicator") -> Indicator | None:
    """An indicator of a published cycle by its code."""
    raw = single(request, name)
    if raw is None:
        return None
    found = None
    if len(raw) <= 50:
        found = Indicator.objects.filter(code=raw, goal__cycle__published=True).first()
    if found is None:
        raise InvalidParameter(
            name, _("There is no published indicator “%(code)s”.") % {"code": raw[:40]}
        )
    return found


def positive_int(request, name: str, *, maximum: int = MAX_ID) -> int | None:
    raw = single(request, name)
    if raw is None:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum)):
        number = int(raw)
        if 1 <= number <= maximum:
            return number
    raise InvalidParameter(
        name,
        _("“%(name)s” is a whole number from 1 to %(maximum)s.")
        % {"name": name, "maximum": maximum},
    )
