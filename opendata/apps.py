from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The open-data catalogue (/data/): every public dataset as CSV, XLSX and JSON."""

    name = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from opendata.signal_handlers import register_signal_handlers

        register_signal_handlers()
