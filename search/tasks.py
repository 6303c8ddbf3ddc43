"""Search's background work, as django-tasks tasks (``TASKS`` in the settings).

The indexing task is defined in ``search.indexing``, beside the after-commit queue that
enqueues it (one module, so the queue and the task it drains import nothing of each other).
"""

from search.indexing import index_documents

__all__ = ["index_documents"]
