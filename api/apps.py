from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public read API (/api/v1/): what the public pages show, as JSON."""

    name = "api"
    verbose_name = _("Public API")
