from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Site search across goals, indicators and reports (issue 3)."""

    name = "search"
    label = "portal_search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import domain_documents, signal_handlers

        domain_documents.register()
        signal_handlers.connect()
