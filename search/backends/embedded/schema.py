"""The embedded index's tables and rows.

One *generation* of the index is three tables: ``docs_<g>`` (what a result shows),
``fts_<g>`` (the FTS5 table of what is matched: jieba words and bigrams, ``search/text.py``)
and ``vocab_<g>`` (words a spelling suggestion may offer, with their pinyin). A rebuild fills a
new generation beside the live one (``backend.py``).
"""

from __future__ import annotations

import json
from collections import Counter

from search.backends.base import SearchDocument
from search.text import full_pinyin, index_text, is_cjk, normalise, search_words

# Column weights for bm25, in the column order of the fts table: a match in the title counts
# most, then the department, the keywords and pinyin, then the body text.
COLUMNS = ("title", "department", "body", "keywords", "pinyin")
WEIGHTS = (8.0, 3.0, 1.0, 2.0, 2.0)
# Departments, goals and indicators answer a question better than one month's figure of them.
TYPE_BOOST = {
    "department": 3.0,
    "goal": 2.0,
    "indicator": 2.0,
    "survey": 2.0,
    "result": 1.0,
    "survey_result": 1.0,
}
DEFAULT_BOOST = 1.5

# The version of these tables. A file built by an older version cannot be searched (the
# backend says so until ``search_index rebuild`` builds a generation of this version).
# 2: ``grp``, the document's group key (results show each group once).
SCHEMA_VERSION = "2"

DOC_FIELDS = (
    "id, type, title, body, url, department_id, department, department_short, year, "
    "dimension, status, date, period, extra, boost, grp"
)
DOC_PLACEHOLDERS = ", ".join("?" * len(DOC_FIELDS.split(",")))
DOC_SELECT = ", ".join(f"d.{name.strip()}" for name in DOC_FIELDS.split(","))
FACET_COLUMNS = {
    "type": "type",
    "department": "department_id",
    "year": "year",
    "dimension": "dimension",
    "status": "status",
}


def doc_row(doc: SearchDocument) -> tuple:
    """A document's row of ``docs_<g>``, in the order of ``DOC_FIELDS``."""
    return (
        doc.id,
        doc.type,
        doc.title,
        doc.body or "",
        doc.url,
        doc.department_id,
        doc.department or "",
        doc.department_short or "",
        doc.year,
        doc.dimension or "",
        doc.status or "",
        doc.date.isoformat() if doc.date else None,
        doc.period or "",
        json.dumps(doc.extra or {}, ensure_ascii=False, default=str),
        TYPE_BOOST.get(doc.type, DEFAULT_BOOST),
        doc.group_key,
    )


def fts_row(doc: SearchDocument) -> tuple:
    """A document's row of ``fts_<g>``, in the order of ``COLUMNS``."""
    return (
        index_text(doc.title),
        index_text(" ".join(filter(None, [doc.department, doc.department_short]))),
        index_text(doc.body or ""),
        index_text(doc.keywords or ""),
        normalise(doc.pinyin or ""),
    )


def vocabulary(doc: SearchDocument) -> list[str]:
    """Words a spelling suggestion may offer: titles' words and department names."""
    words = [doc.department, doc.department_short]
    if len(doc.title) <= 12:
        words.append(doc.title)
    words.extend(w for w in search_words(doc.title) if len(w) >= 2 and is_cjk(w))
    return [w for w in words if w]


def create_generation(conn, g: int) -> None:
    conn.execute(
        f"""CREATE TABLE docs_{g} (
            rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
            title TEXT NOT NULL, body TEXT NOT NULL, url TEXT NOT NULL,
            department_id INTEGER, department TEXT NOT NULL, department_short TEXT NOT NULL,
            year INTEGER, dimension TEXT NOT NULL, status TEXT NOT NULL, date TEXT,
            period TEXT NOT NULL, extra TEXT NOT NULL, boost REAL NOT NULL, grp TEXT NOT NULL)"""
    )
    conn.execute(f"CREATE INDEX docs_{g}_grp ON docs_{g} (grp)")
    conn.execute(
        f"CREATE VIRTUAL TABLE fts_{g} USING fts5({', '.join(COLUMNS)}, "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2')"
    )
    conn.execute(
        f"CREATE TABLE vocab_{g} (term TEXT PRIMARY KEY, pinyin TEXT NOT NULL, "
        "freq INTEGER NOT NULL) WITHOUT ROWID"
    )
    conn.execute(f"CREATE INDEX vocab_{g}_pinyin ON vocab_{g} (pinyin)")
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"schema_{g}", SCHEMA_VERSION)
    )


def schema_version(conn, g: int) -> str:
    """The version a generation was built with; "1" for one built before versions were kept."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (f"schema_{g}",)).fetchone()
    return row[0] if row else "1"


def drop_generation(conn, g: int) -> None:
    for table in (f"fts_{g}", f"docs_{g}", f"vocab_{g}"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute("DELETE FROM meta WHERE key = ?", (f"schema_{g}",))


def generations(conn) -> set[int]:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'docs_%'"
    ).fetchall()
    return {int(n[0][5:]) for n in names if n[0][5:].isdigit()}


def delete_ids(conn, g: int, ids: list[str]) -> None:
    for doc_id in ids:
        row = conn.execute(f"SELECT rowid FROM docs_{g} WHERE id = ?", (doc_id,)).fetchone()
        if row:
            conn.execute(f"DELETE FROM fts_{g} WHERE rowid = ?", (row[0],))
            conn.execute(f"DELETE FROM docs_{g} WHERE rowid = ?", (row[0],))


def add_vocabulary(conn, g: int, counts: Counter) -> None:
    conn.executemany(
        f"INSERT INTO vocab_{g} (term, pinyin, freq) VALUES (?, ?, ?) "
        "ON CONFLICT(term) DO UPDATE SET freq = freq + excluded.freq",
        [(term, full_pinyin(term), n) for term, n in counts.items()],
    )
