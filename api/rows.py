"""The API's two long lists — measurements and indicators — read by statements written by hand
(docs/decisions/0007-api-rows-built-by-hand.md).

On the benchmark's first pages the ORM spent about 1.1 ms building and compiling the list's
queryset and 0.4 ms turning its rows into dicts, more than PostgreSQL took to run it; and the
statement joined the cycle and department tables only to read what each worker holds in memory
(the published cycles, every department), which PostgreSQL then had to plan on every request.
``HandRows`` is what DRF's cursor pagination asks of a queryset (``order_by``, a filter on the
cursor's position, a slice), so paging, cursors and their checks stay DRF's and ours.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import connection

from portal.models import Goal, Indicator, Measurement
from portal.models.reading import RowReader

# (alias, model, fields, key prefix) of each part of a row; the keys are the dicts' keys.
_Part = tuple[str, type, tuple[str, ...], str]


class Statement:
    """A SELECT over joined tables, its row readers and its dicts' keys, built once per process
    from the models' metadata."""

    def __init__(self, parts: Iterable[_Part], joins: str):
        quote = connection.ops.quote_name
        self.readers, self.keys, columns = [], [], []
        self.column: dict[str, str] = {}  # "prefix + field name" → "alias.column"
        for alias, model, names, prefix in parts:
            fields = [model._meta.get_field(name) for name in names]
            reader = RowReader(model, fields)
            self.readers.append(reader)
            self.keys += [prefix + attname for attname in reader.attnames]
            columns.append(reader.columns(alias))
            for field in model._meta.concrete_fields:
                self.column[prefix + field.name] = f"{alias}.{quote(field.column)}"
        self.select = f"SELECT {', '.join(columns)} FROM {joins}"

    def dicts(self, rows) -> list[dict]:
        keys, readers = self.keys, self.readers
        result = []
        for row in rows:
            values, start = [], 0
            for reader in readers:
                values += reader.values(row, start)
                start += reader.width
            result.append(dict(zip(keys, values, strict=True)))
        return result


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _on(left: str, model, field: str, right: str, target) -> str:
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    return f"{left}.{column} = {right}.{quote(target._meta.pk.column)}"


@functools.cache
def measurements() -> Statement:
    """Each figure with its indicator's terms and its goal's cycle and owner (ids: the worker
    holds both)."""
    joins = (
        f"{_table(Measurement)} m"
        f" JOIN {_table(Indicator)} i ON {_on('m', Measurement, 'indicator', 'i', Indicator)}"
        f" JOIN {_table(Goal)} g ON {_on('i', Indicator, 'goal', 'g', Goal)}"
    )
    parts = [
        ("m", Measurement, ("id", "period", "value", "note", "source", "updated_at"), ""),
        (
            "i",
            Indicator,
            ("code", "name", "dimension", "unit", "source_description", "status"),
            "indicator__",
        ),
        ("g", Goal, ("cycle", "owner"), "indicator__goal__"),
    ]
    return Statement(parts, joins)


INDICATOR_FIELDS = (
    "id",
    "code",
    "name",
    "dimension",
    "unit",
    "baseline",
    "target",
    "direction",
    "weight",
    "frequency",
    "data_source",
    "source_description",
    "methodology",
    "latest_value",
    "latest_period",
    "progress",
    "status",
)


@functools.cache
def indicators() -> Statement:
    """Each indicator with its goal's code, cycle and owner."""
    joins = (
        f"{_table(Indicator)} i JOIN {_table(Goal)} g ON {_on('i', Indicator, 'goal', 'g', Goal)}"
    )
    parts = [
        ("i", Indicator, INDICATOR_FIELDS, ""),
        ("g", Goal, ("code", "cycle", "owner"), "goal__"),
    ]
    return Statement(parts, joins)


class HandRows:
    """A list's rows as dicts, in ``pk`` order (or its reverse), from ``statement`` under
    ``conditions`` (field key → value, each an equality but for the ``__in``, ``__gte``,
    ``__lte``, ``__gt`` and ``__lt`` suffixes). Lazy like a queryset: the slice runs the one
    statement."""

    def __init__(self, model, statement: Statement, conditions: dict, descending=False):
        self.model = model  # the pagination checks a cursor's position against its fields
        self.statement = statement
        self.conditions = dict(conditions)
        self.descending = descending

    def _clone(self, conditions: dict, descending: bool) -> HandRows:
        return HandRows(self.model, self.statement, conditions, descending)

    def order_by(self, *ordering: str) -> HandRows:
        if ordering not in (("id",), ("-id",)):
            raise ValueError(f"HandRows is ordered by its id only, not {ordering}")
        return self._clone(self.conditions, ordering == ("-id",))

    def filter(self, **lookups) -> HandRows:
        """The cursor's position: ``id__gt`` or ``id__lt`` (a string from the cursor)."""
        conditions = dict(self.conditions)
        for lookup, value in lookups.items():
            if lookup not in ("id__gt", "id__lt"):
                raise ValueError(f"HandRows filters on its id's position only, not {lookup}")
            conditions[lookup] = int(value)
        return self._clone(conditions, self.descending)

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step is not None or window.stop is None:
            raise TypeError("HandRows reads a bounded slice")
        start = window.start or 0
        if window.stop <= start:
            return []
        sql, params = self.sql()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, window.stop - start, start])
            return self.statement.dicts(cursor.fetchall())

    def sql(self) -> tuple[str, list]:
        """The statement's text (without its LIMIT) and parameters."""
        column, where, params = self.statement.column, [], []
        operators = {"in": None, "gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}
        for lookup, value in self.conditions.items():
            name, _sep, suffix = lookup.rpartition("__")
            if suffix not in operators:
                name, suffix = lookup, ""
            if suffix == "in":
                values = list(value)
                if not values:
                    where.append("1 = 0")
                    continue
                where.append(f"{column[name]} IN ({', '.join(['%s'] * len(values))})")
                params += values
            else:
                where.append(f"{column[name]} {operators.get(suffix, '=')} %s")
                params.append(value)
        order = "DESC" if self.descending else "ASC"
        sql = self.statement.select
        if where:
            sql += " WHERE " + " AND ".join(where)
        return f"{sql} ORDER BY {column['id']} {order}", params
