"""Model instances from the rows of hand-written SELECTs, converted as the ORM converts them.

The hot public reads keep their SQL text once per process (docs/decisions/0002-hand-written-sql.md):
the ORM compiled an indicator page's two statements on every view for about 2.5 ms, five times
what PostgreSQL took to run them. ``RowReader`` turns a slice of such a row into an instance with
the field converters the ORM applies (SQLite returns dates as text and decimals as floats;
JSON arrives as text), so the instances equal the ORM's.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


class RowReader:
    """Reads instances of ``model`` with ``fields`` (concrete fields, in the SELECT's order)
    from rows; ``columns(alias)`` is the matching SELECT list."""

    def __init__(self, model: type[models.Model], fields: Sequence[models.Field]):
        self.model = model
        self.fields = list(fields)
        self.attnames = [field.attname for field in self.fields]
        self._converters = []
        for field in self.fields:
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            self._converters.append((column, converters))
        self.width = len(self.fields)

    @classmethod
    def all_but(cls, model: type[models.Model], *names: str) -> RowReader:
        """Every concrete field of ``model`` except ``names`` (left deferred)."""
        return cls(model, [f for f in model._meta.concrete_fields if f.name not in names])

    def columns(self, alias: str) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def values(self, row: Sequence, start: int = 0) -> list:
        """The fields' values in ``row[start:start + width]``, converted."""
        values = []
        for value, (column, converters) in zip(
            row[start : start + self.width], self._converters, strict=True
        ):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        return values

    def read(self, row: Sequence, start: int = 0) -> models.Model:
        """The instance in ``row[start:start + width]``."""
        return self.model.from_db(connection.alias, self.attnames, self.values(row, start))
