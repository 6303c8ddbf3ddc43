from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The performance domain: departments, cycles, goals, indicators, measurements."""

    name = "portal"
    verbose_name = _("Performance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.signal_handlers import register_signal_handlers

        register_signal_handlers()
