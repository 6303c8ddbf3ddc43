"""Site-wide settings an administrator changes in the admin (Settings), not in the environment."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_NAME = "政府绩效公开平台"
DEFAULT_NAME_EN = "Government Performance Portal"


@register_setting(icon="site")
class SiteIdentity(BaseGenericSetting):
    """The site's name (the page titles, the header and the footer of the public site) and
    the footer's statutory lines: organiser, contact, site code, ICP and public security
    record numbers, and where to report an error.

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

    # The footer that 政府网站发展指引 (国办发〔2017〕47号) asks of a government site.
    organiser = models.CharField(
        _("organiser (主办单位)"),
        max_length=100,
        blank=True,
        help_text=_("The body that runs the site, e.g. 青川市人民政府办公室."),
    )
    organiser_en = models.CharField(_("organiser (English)"), max_length=100, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("A telephone number or e-mail address for questions about the site."),
    )
    site_code = models.CharField(
        _("site identification code (网站标识码)"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Za-z]+$", _("Letters and digits only."))],
        help_text=_("The code the national government website register gave the site."),
    )
    icp_number = models.CharField(
        _("ICP record number (ICP备案号)"),
        max_length=60,
        blank=True,
        help_text=_("Linked to the MIIT record lookup (beian.miit.gov.cn)."),
    )
    police_number = models.CharField(
        _("public security record number (公安备案号)"),
        max_length=60,
        blank=True,
        help_text=_("E.g. 浙公网安备 33010002000001号; linked to its record at beian.gov.cn."),
    )
    error_report_url = models.URLField(
        _("error report address (我为政府网站找错)"),
        blank=True,
        help_text=_(
            "Left empty with a site code, the national error-reporting platform's page for "
            "this site is linked."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("organiser_en"),
                FieldPanel("contact"),
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_number"),
                FieldPanel("error_report_url"),
            ],
            heading=_("Footer (政府网站发展指引)"),
        ),
    ]

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identities")

    @property
    def police_record_url(self) -> str:
        """The record's page at beian.gov.cn (its number's digits), or nothing."""
        digits = "".join(ch for ch in self.police_number if ch.isdigit())
        if not digits:
            return ""
        return f"https://beian.gov.cn/portal/registerSystemInfo?recordcode={digits}"

    @property
    def error_report_link(self) -> str:
        """Where visitors report an error on the site (我为政府网站找错)."""
        if self.error_report_url:
            return self.error_report_url
        if self.site_code:
            return f"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={self.site_code}"
        return ""

    @classmethod
    def current(cls, request=None) -> "SiteIdentity":
        """The saved identity, or the defaults while nobody has saved one; kept on the request
        and in the worker's memory until the data version moves (saving it moves the version).
        Unlike Wagtail's ``load`` (which the settings menu uses, and which creates the row), a
        visitor's GET never writes."""
        from portal.cache import held

        attribute = cls.get_cache_attr_name()
        identity = getattr(request, attribute, None)
        if identity is None:
            identity = held("site-identity", lambda: cls.base_queryset().first() or cls())
            if request is not None:
                setattr(request, attribute, identity)
        return identity
