"""Bulk writes of computed snapshots (recompute_cycle) in hand-written statements.

Django's bulk_update builds a CASE expression per row (about 2 ms each in Python: 8 s for a
scale-10 city) and bulk_create sends JSON through a PostgreSQL array literal that is escaped
character by character. executemany keeps one prepared statement (pipelined by psycopg) and
skips the per-row signals, which only bump the page cache: recompute bumps it once at the end
(docs/decisions/0002-hand-written-sql.md).
"""

from __future__ import annotations

from django.db import connection, models


class BulkWriteManager(models.Manager):
    """A manager that writes many rows with one executemany statement, sending no signals."""

    def update_rows(self, fields: list[str], rows: list[tuple]) -> None:
        """UPDATE ``fields`` of each (pk, *values) row with one executemany statement."""
        if not rows:
            return
        meta = self.model._meta
        quote = connection.ops.quote_name
        columns = [meta.get_field(name) for name in fields]
        assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
        params = [
            [
                column.get_db_prep_save(value, connection)
                for column, value in zip(columns, values, strict=True)
            ]
            + [pk]
            for pk, *values in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def insert_rows(self, objects: list) -> None:
        """INSERT unsaved ``objects`` with one executemany statement (no signals, no pks back)."""
        if not objects:
            return
        meta = self.model._meta
        quote = connection.ops.quote_name
        columns = [field for field in meta.concrete_fields if not field.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table),
            ", ".join(quote(field.column) for field in columns),
            ", ".join(["%s"] * len(columns)),
        )
        params = [
            [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in columns]
            for obj in objects
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
