"""Site-wide settings an administrator changes in the admin (Settings), not in the environment."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_NAME = "政府绩效公开平台"
DEFAULT_NAME_EN = "Government Performance Portal"


@register_setting(icon="site")
class SiteIdentity(BaseGenericSetting):
    """The site's name: the page titles, the header and the footer of the public site.

    One for the installation, not one per Wagtail site (``BaseSiteSetting``): the portal has one
    public site (``HomePage.max_count = 1``), and most of its pages (departments, indicators,
    rankings, surveys, search) are Django views outside Wagtail's page tree, which would have to
    find the request's site first: Wagtail's lookup costs about 2 ms of Python per uncached
    page, reading this setting 0.3 ms (one query).
    """

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
    def current(cls, request=None) -> "SiteIdentity":
        """The saved identity, or the defaults while nobody has saved one; kept on the request.
        Unlike Wagtail's ``load`` (which the settings menu uses, and which creates the row), a
        visitor's GET never writes."""
        attribute = cls.get_cache_attr_name()
        identity = getattr(request, attribute, None)
        if identity is None:
            identity = cls.base_queryset().first() or cls()
            if request is not None:
                setattr(request, attribute, identity)
        return identity
