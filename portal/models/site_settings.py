"""Site-wide settings an administrator changes in the admin (Settings), not in the environment."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DEFAULT_NAME = "政府绩效公开平台"
DEFAULT_NAME_EN = "Government Performance Portal"


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """The site's name: the page titles, the header and the footer of the public site."""

    name = models.CharField(
        _("site name"),
        max_length=100,
        default=DEFAULT_NAME,
        help_text=_(
            "Shown in the header, the footer and every page title of the Chinese pages, "
            "e.g. 青川市政府绩效公开平台."
        ),
    )
    name_en = models.CharField(
        _("site name (English)"),
        max_length=100,
        blank=True,
        default=DEFAULT_NAME_EN,
        help_text=_("The same name on the English pages. Left empty, they show the Chinese name."),
    )

    panels = [FieldPanel("name"), FieldPanel("name_en")]

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identities")

    @classmethod
    def for_site(cls, site):
        """The site's saved identity, or the defaults while nobody has saved one: unlike
        Wagtail's ``get_or_create``, a visitor's GET never writes a row. The settings screen
        saves the returned instance the first time an administrator saves it."""
        if site is None:
            return cls()
        return cls.base_queryset().filter(site=site).first() or cls(site=site)

    def name_in(self, language: str | None) -> str:
        """The name for a page in ``language``."""
        if (language or "").startswith("en"):
            return self.name_en or self.name
        return self.name
