from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The performance domain: departments, cycles, goals, indicators, measurements."""

    name = "portal"
    verbose_name = _("Performance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from portal.checks import check_stored_codes
        from portal.signal_handlers import register_signal_handlers

        checks.register(check_stored_codes, checks.Tags.database)

        register_signal_handlers()
