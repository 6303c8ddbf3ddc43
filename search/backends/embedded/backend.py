"""The embedded backend: SQLite FTS5 in its own file, for the demo and small sites.

Independent of the Django database (it works the same when Django runs on PostgreSQL); the file
is ``settings.SEARCH_EMBEDDED_PATH``. Text is indexed as jieba words plus character bigrams
(``search/text.py``), because FTS5's own tokenizers do not split Chinese. Ranking is FTS5's bm25
with the title weighted highest; snippets are cut and highlighted in Python from the stored text.

A rebuild writes a new *generation* of tables beside the live one and switches a pointer in one
transaction, so search keeps answering during the rebuild; updates made meanwhile are journalled
and copied into the new generation before the switch. WAL mode lets searches run while a writer
writes (several worker processes share the file).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings

from search.backends.base import (
    FACETS,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from search.backends.embedded import schema
from search.backends.embedded.query import _facet_counts, _hit, match_expression
from search.backends.embedded.suggest import Speller
from search.highlight import highlight_pattern

BATCH = 2000
# A query that matches more documents than this (one character, 局 or 市, matches nearly all of
# them) is ranked without bm25: scoring 140,000 matches cost 0.15 s and says little. Titles that
# hold the typed words still come first, then departments, goals and indicators, then the newest.
BM25_LIMIT = 20_000
# SQLite's page cache per connection (KiB): facet counts read the documents table at random.
CACHE_KIB = 32 * 1024


def default_path() -> str:
    return str(
        getattr(settings, "SEARCH_EMBEDDED_PATH", None) or settings.BASE_DIR / "search.sqlite3"
    )


class EmbeddedBackend(SearchBackend):
    """SQLite FTS5 over jieba words and bigrams, in a file of its own."""

    name = "embedded"
    bm25_limit = BM25_LIMIT

    def __init__(
        self,
        path: str | None = None,
        *,
        synonyms: Callable[[], list[tuple[str, ...]]] | None = None,
    ):
        self.path = str(path or default_path())
        if synonyms is None:
            from search.synonyms import synonym_groups

            synonyms = synonym_groups
        self._synonyms = synonyms
        self._local = threading.local()
        self._speller = Speller()

    # ---- connection and schema ------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("CREATE TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY)")
            if self._meta(conn, "live") is None:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if self._meta(conn, "live") is None:
                        schema.create_generation(conn, 1)
                        self._set_meta(conn, "live", "1")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise SearchUnavailable(f"embedded search index {self.path}: {exc}") from exc
        self._local.conn = conn
        return conn

    def _run(self, work):
        """Run ``work(conn)``; any SQLite failure is SearchUnavailable (and reconnects next time)."""
        conn = self._connect()
        try:
            return work(conn)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            self.close()
            raise SearchUnavailable(f"embedded search index {self.path}: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            try:
                conn.close()
            except sqlite3.Error:
                pass

    @staticmethod
    def _meta(conn, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_meta(conn, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _live(self, conn) -> int:
        return int(self._meta(conn, "live") or 1)

    def _check_schema(self, conn) -> None:
        """Refuse a live index of older tables: its rows lack what searching now reads (a
        rebuild, which never reads them, replaces it)."""
        version = schema.schema_version(conn, self._live(conn))
        if version != schema.SCHEMA_VERSION:
            raise SearchUnavailable(
                f"embedded search index {self.path} was built by an older version "
                f"(schema {version}, now {schema.SCHEMA_VERSION}): "
                "run manage.py search_index rebuild"
            )

    # ---- writing ----------------------------------------------------------------------

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        docs = list({d.id: d for d in documents}.values())
        if not docs:
            return 0

        def work(conn):
            self._check_schema(conn)
            conn.execute("BEGIN IMMEDIATE")
            g = self._live(conn)
            schema.delete_ids(conn, g, [d.id for d in docs])
            vocab: Counter = Counter()
            for doc in docs:
                cursor = conn.execute(
                    f"INSERT INTO docs_{g} ({schema.DOC_FIELDS}) VALUES ({schema.DOC_PLACEHOLDERS})",
                    schema.doc_row(doc),
                )
                conn.execute(
                    f"INSERT INTO fts_{g} (rowid, {', '.join(schema.COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                    (cursor.lastrowid, *schema.fts_row(doc)),
                )
                vocab.update(schema.vocabulary(doc))
            schema.add_vocabulary(conn, g, vocab)
            self._journal(conn, [d.id for d in docs])
            conn.execute("COMMIT")
            return len(docs)

        return self._run(work)

    def delete_documents(self, ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return

        def work(conn):
            self._check_schema(conn)
            conn.execute("BEGIN IMMEDIATE")
            schema.delete_ids(conn, self._live(conn), ids)
            self._journal(conn, ids)
            conn.execute("COMMIT")

        self._run(work)

    def _journal(self, conn, ids: list[str]) -> None:
        # While a rebuild runs, remember what changed so it is copied into the new generation.
        if self._meta(conn, "building") is not None:
            conn.executemany("INSERT OR IGNORE INTO touched (id) VALUES (?)", [(i,) for i in ids])

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        total: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        conn = self._connect()

        def start(conn):
            conn.execute("BEGIN IMMEDIATE")
            live = self._live(conn)
            for g in schema.generations(conn) - {live}:
                schema.drop_generation(conn, g)  # left by a rebuild that did not finish
            new = max(schema.generations(conn) | {live}) + 1
            schema.create_generation(conn, new)
            self._set_meta(conn, "building", str(new))
            conn.execute("DELETE FROM touched")
            conn.execute("COMMIT")
            return new

        new = self._run(start)
        written = 0
        try:
            vocab: Counter = Counter()
            batch: list[SearchDocument] = []

            def flush(conn):
                conn.execute("BEGIN IMMEDIATE")
                first = written + 1
                conn.executemany(
                    f"INSERT INTO docs_{new} (rowid, {schema.DOC_FIELDS}) "
                    f"VALUES (?, {schema.DOC_PLACEHOLDERS})",
                    [(first + i, *schema.doc_row(d)) for i, d in enumerate(batch)],
                )
                conn.executemany(
                    f"INSERT INTO fts_{new} (rowid, {', '.join(schema.COLUMNS)}) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(first + i, *schema.fts_row(d)) for i, d in enumerate(batch)],
                )
                conn.execute("COMMIT")

            seen: set[str] = set()
            for doc in documents:
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                batch.append(doc)
                vocab.update(schema.vocabulary(doc))
                if len(batch) >= BATCH:
                    self._run(flush)
                    written += len(batch)
                    batch = []
                    if progress:
                        progress(written)
            if batch:
                self._run(flush)
                written += len(batch)
                if progress:
                    progress(written)

            def finish(conn):
                conn.execute("BEGIN IMMEDIATE")
                schema.add_vocabulary(conn, new, vocab)
                conn.execute(f"INSERT INTO fts_{new} (fts_{new}) VALUES ('optimize')")
                conn.execute("COMMIT")
                # The switch: copy what changed meanwhile from the live generation, then point
                # searches at the new one, all under one write lock.
                conn.execute("BEGIN IMMEDIATE")
                live = self._live(conn)
                changed = [r[0] for r in conn.execute("SELECT id FROM touched").fetchall()]
                schema.delete_ids(conn, new, changed)
                for doc_id in changed:
                    row = conn.execute(
                        f"SELECT rowid, {schema.DOC_FIELDS} FROM docs_{live} WHERE id = ?",
                        (doc_id,),
                    ).fetchone()
                    if row is None:
                        continue
                    cursor = conn.execute(
                        f"INSERT INTO docs_{new} ({schema.DOC_FIELDS}) "
                        f"VALUES ({schema.DOC_PLACEHOLDERS})",
                        row[1:],
                    )
                    conn.execute(
                        f"INSERT INTO fts_{new} (rowid, {', '.join(schema.COLUMNS)}) "
                        f"SELECT ?, {', '.join(schema.COLUMNS)} FROM fts_{live} WHERE rowid = ?",
                        (cursor.lastrowid, row[0]),
                    )
                self._set_meta(conn, "live", str(new))
                self._set_meta(conn, "building", None)
                conn.execute("DELETE FROM touched")
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                schema.drop_generation(conn, live)
                conn.execute("COMMIT")

            self._run(finish)
        except BaseException:
            try:

                def abandon(conn):
                    conn.execute("BEGIN IMMEDIATE")
                    if self._meta(conn, "building") == str(new):
                        self._set_meta(conn, "building", None)
                    if self._live(conn) != new:
                        schema.drop_generation(conn, new)
                    conn.execute("COMMIT")

                self._run(abandon)
            except SearchUnavailable:
                pass
            raise
        self._speller.clear()
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        return written

    # ---- reading ----------------------------------------------------------------------

    def count(self) -> int:
        def work(conn):
            self._check_schema(conn)
            return conn.execute(f"SELECT count(*) FROM docs_{self._live(conn)}").fetchone()[0]

        return self._run(work)

    def ping(self) -> bool:
        try:
            self.count()
        except SearchUnavailable:
            return False
        return True

    def search(self, query: SearchQuery) -> SearchResults:
        groups = self._synonyms()
        match = match_expression(query.text, groups)

        def work(conn):
            self._check_schema(conn)
            conn.execute("BEGIN")
            try:
                return self._search(conn, query, match, groups)
            finally:
                conn.execute("COMMIT")

        return self._run(work)

    def _search(self, conn, query: SearchQuery, match: str | None, groups) -> SearchResults:
        g = self._live(conn)
        page = max(1, query.page)
        empty = SearchResults(
            hits=[], total=0, facets={f: [] for f in FACETS}, page=page, per_page=query.per_page
        )
        if match == "":
            return empty
        if match is None:
            source, params = f"docs_{g} d", []
            base = ["1 = 1"]
            score = "-d.boost"
        else:
            source = f"fts_{g} JOIN docs_{g} d ON d.rowid = fts_{g}.rowid"
            params = [match]
            base = [f"fts_{g} MATCH ?"]
            score = f"bm25(fts_{g}, {', '.join(map(str, schema.WEIGHTS))}) * d.boost"
        if query.year_from is not None:
            base.append("d.year >= ?")
            params.append(query.year_from)
        if query.year_to is not None:
            base.append("d.year <= ?")
            params.append(query.year_to)
        if query.group:
            base.append("d.grp = ?")
            params.append(query.group)
        collapsed = query.collapsed

        # One row per combination of facet values (and of group, when groups are counted).
        combos = conn.execute(
            f"SELECT d.type, d.department_id, d.year, d.dimension, d.status, "
            f"{'d.grp' if collapsed else 'NULL'}, count(*) "
            f"FROM {source} WHERE {' AND '.join(base)} GROUP BY 1, 2, 3, 4, 5, 6",
            params,
        ).fetchall()
        selected = {
            "type": {str(v) for v in query.types},
            "department": {str(v) for v in query.departments},
            "year": {str(v) for v in query.years},
            "dimension": {str(v) for v in query.dimensions},
            "status": {str(v) for v in query.statuses},
        }
        facets, total = _facet_counts(combos, selected, by_group=collapsed)
        if match is not None and sum(combo[-1] for combo in combos) > self.bm25_limit:
            score = "-d.boost"  # a very broad match: no bm25 (see BM25_LIMIT)

        filters, filter_params = list(base), list(params)
        for facet, values in selected.items():
            if values:
                filters.append(
                    f"d.{schema.FACET_COLUMNS[facet]} IN ({', '.join('?' * len(values))})"
                )
                filter_params.extend(
                    int(v) if facet in ("department", "year") else v for v in sorted(values)
                )
        # The order, as (expression, descending) keys with their parameters.
        if query.sort == "date":
            keys = [("d.date IS NULL", False), ("d.date", True), (score, False)]
        else:
            keys = [(score, False), ("d.date IS NULL", False), ("d.date", True)]
        keys.append(("d.rowid", False))
        key_params = []
        typed = (query.text or "").strip()
        if match and query.sort != "date" and typed and " " not in typed:
            # A title that contains the very words typed comes first: searching 满意度 should
            # list 群众满意度 before a 满意率 whose description mentions 满意度.
            keys.insert(0, ("instr(d.title, ?) > 0", True))
            key_params.append(typed)
        if match and query.sort != "date":
            exact = match_expression(query.text, [])
            if exact and exact != match:
                # What the visitor typed ranks above what only a synonym of it matched.
                keys.insert(
                    0, (f"d.rowid IN (SELECT rowid FROM fts_{g} WHERE fts_{g} MATCH ?)", True)
                )
                key_params.insert(0, exact)
        offset = (page - 1) * query.per_page
        rows = []
        if offset < total:
            if collapsed:
                rows = self._group_page(
                    conn,
                    g,
                    source,
                    filters,
                    filter_params,
                    score,
                    keys,
                    key_params,
                    query.per_page,
                    offset,
                )
            else:
                order = ", ".join(f"{expr}{' DESC' if desc else ''}" for expr, desc in keys)
                rows = conn.execute(
                    f"SELECT {schema.DOC_SELECT}, {score}, 1 FROM {source} "
                    f"WHERE {' AND '.join(filters)} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*filter_params, *key_params, query.per_page, offset],
                ).fetchall()
        pattern = highlight_pattern(query.text, groups) if match else None
        hits = [_hit(row, pattern) for row in rows]
        suggestion = ""
        if total == 0 and match:
            suggestion = self._speller.suggest(conn, g, query.text, groups)
        return SearchResults(
            hits=hits,
            total=total,
            facets=facets,
            page=page,
            per_page=query.per_page,
            suggestion=suggestion,
        )

    @staticmethod
    def _group_page(
        conn, g, source, filters, filter_params, score, keys, key_params, limit, offset
    ):
        """A page of groups: each group's best document in the order asked for, with the number
        of matching documents of its group. bm25() is only known inside the MATCH query, so the
        order keys are computed there and ranked over by window functions outside it."""
        columns = ", ".join(f"{expr} AS k{i}" for i, (expr, _desc) in enumerate(keys))

        def order(prefix=""):
            return ", ".join(
                f"{prefix}k{i}{' DESC' if desc else ''}" for i, (_e, desc) in enumerate(keys)
            )

        return conn.execute(
            f"""SELECT {schema.DOC_SELECT}, m.score, m.n FROM (
                    SELECT rid, score, {", ".join(f"k{i}" for i in range(len(keys)))},
                        row_number() OVER (PARTITION BY grp ORDER BY {order()}) AS rn,
                        count(*) OVER (PARTITION BY grp) AS n
                    FROM (SELECT d.rowid AS rid, d.grp AS grp, {score} AS score, {columns}
                          FROM {source} WHERE {" AND ".join(filters)})
                ) m JOIN docs_{g} d ON d.rowid = m.rid
                WHERE m.rn = 1 ORDER BY {order("m.")} LIMIT ? OFFSET ?""",
            [*key_params, *filter_params, limit, offset],
        ).fetchall()
