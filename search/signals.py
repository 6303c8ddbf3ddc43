"""Signals search sends when a change in the domain reaches documents a content app owns.

Search keeps the domain's documents true itself (``search/signal_handlers.py``); a content app
whose documents quote the domain listens to these and queues its own documents, so search never
needs to know which apps those are.
"""

from django.dispatch import Signal

# What charts may show changed: an indicator was edited or deleted, or a cycle was published,
# unpublished or given another year. Sent with ``instance`` (the indicator or the cycle).
published_data_changed = Signal()

# A department's name, short name, English name or active flag changed. Sent with ``instance``
# (the department) and ``changed`` (a frozenset of the names of the fields that changed).
department_changed = Signal()
