from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure reports: Wagtail pages with text, data tables and indicator charts."""

    name = "disclosure"
    verbose_name = _("Disclosure reports")

    def ready(self):
        from disclosure import permissions, signal_handlers

        permissions.register_page_permission_policy()
        signal_handlers.register_signal_handlers()

        from disclosure import search  # reports in the site search

        search.register()
