from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Citizen satisfaction surveys: definitions, monthly results, rectification cases."""

    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from . import signal_handlers

        signal_handlers.register_signal_handlers()

        from surveys import search  # surveys, their months and cases in the site search

        search.register()
