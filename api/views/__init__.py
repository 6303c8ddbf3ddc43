"""The API's endpoints: the performance domain (``domain``, ``evaluations``) and the content
apps' public records (``content``), on one base view (``base``)."""
