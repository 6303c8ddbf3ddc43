"""The embedded backend: SQLite FTS5 in a file of its own (``backend.py``; tables and rows in
``schema.py``, queries in ``query.py``, spelling suggestions in ``suggest.py``)."""

from search.backends.embedded.backend import EmbeddedBackend, default_path
from search.backends.embedded.query import match_expression

__all__ = ["EmbeddedBackend", "default_path", "match_expression"]
