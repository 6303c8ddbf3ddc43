from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Citizen satisfaction surveys: definitions, monthly results, rectification cases."""

    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from portal.demo import register_demo_extension

        from . import demo, signal_handlers

        register_demo_extension("Surveys", demo.build, demo.flush)
        signal_handlers.register_signal_handlers()
