from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Disclosure reports with charts (issue to come)."""

    name = "disclosure"
    verbose_name = _("Disclosure reports")
