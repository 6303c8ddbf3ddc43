from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure reports: Wagtail pages with text, data tables and indicator charts."""

    name = "disclosure"
    verbose_name = _("Disclosure reports")

    def ready(self):
        from disclosure import demo, permissions, signal_handlers
        from portal.demo import register_demo_extension
        from portal.views import register_home_panel

        register_demo_extension("Reports", demo.build, demo.flush)
        register_home_panel(signal_handlers.home_panel)
        permissions.narrow_page_permission_policy()
        signal_handlers.register_signal_handlers()
