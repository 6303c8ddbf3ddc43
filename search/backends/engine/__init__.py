"""The engine backend: Elasticsearch 8/9 or OpenSearch 2.x, one index behind an alias.

In three parts: the index definition and the stored document (``index.py``), the requests a
search sends (``query.py``) and the backend itself, which manages the versioned indices and their
alias (``backend.py``).

Mappings and queries are built with ``elasticsearch.dsl`` and only use what both engines share;
the request goes through a thin adapter (``search/backends/adapters.py``) because the
``elasticsearch`` client refuses to talk to OpenSearch. Replies are wrapped back into the DSL's
``Response``.

Chinese text is analysed with what both engines ship (no plugin): the standard tokenizer splits
ideographs, ``cjk_width`` folds full-width Latin, ``cjk_bigram`` pairs neighbouring ideographs
(群众满意度 → 群众 众满 满意 意度), Latin words stay whole. Synonyms (满意度/满意率) are a
``synonym_graph`` filter on the search analyzer only, so the list can change with a rebuild and
no document changes. Pinyin is computed in Python and matched by prefix (``gaj`` → 公安局).
"""

from search.backends.engine.backend import EngineBackend
from search.backends.engine.index import build_index
from search.backends.engine.query import build_search

__all__ = ["EngineBackend", "build_index", "build_search"]
