"""Cursor pagination for every list of the API (why cursors: the ``PAGINATION`` text below,
which the OpenAPI document carries too).

DRF's cursor pagination, made strict: a page size out of range or a cursor that is not one the
API wrote is a 400 naming the parameter (DRF answers a bad cursor with 404 and ignores a bad
page size), and the cursor's position is checked against its column's type before it reaches
the database (a forged cursor must not become a 500).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import pagination

from api.errors import InvalidParameter
from api.params import positive_int

PAGINATION = """Lists are paginated with **cursors**: each answer has `next` and `previous`
links (null at either end) and `results`; follow the links as they are, with `page_size` (1–500,
default 100) if you like. Cursors, not page numbers, because the data changes while a client
walks it (a new month of figures, a correction): a cursor is a position in a fixed order —
each list's order is stated on its endpoint and never changes — so a walk neither repeats nor
skips a row when rows are added before it, and a page costs the same at the end of a list of
400,000 figures as at its start (no COUNT, no OFFSET scan)."""

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination over the view's ``ordering`` (a tuple of model fields, the first one
    the cursor's position)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    template = None

    def get_page_size(self, request):
        size = positive_int(request, self.page_size_query_param, maximum=self.max_page_size)
        return size or self.page_size

    def get_ordering(self, request, queryset, view):
        return tuple(view.ordering)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception as error:  # DRF raises NotFound for a cursor it cannot read
            raise self._invalid() from error
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position, request)
        return cursor

    def _invalid(self) -> InvalidParameter:
        return InvalidParameter(
            self.cursor_query_param,
            _("This cursor is not one the API gave: follow the “next” and “previous” links."),
        )

    def _check_position(self, position: str, request) -> None:
        """The position must be a valid value of the ordering's first column."""
        name = self.ordering[0].lstrip("-")
        field = self._model._meta.get_field(name)
        try:
            value = field.to_python(position)
            if isinstance(value, int) and not 0 <= value < 2**63:
                raise ValidationError("out of range")
        except (ValidationError, ValueError, TypeError, OverflowError) as error:
            raise self._invalid() from error

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["next", "previous", "results"]
        return result
