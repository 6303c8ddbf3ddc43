"""The catalogue's licence setting and the record of each dataset's stored files."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_LICENCE = "本站数据可免费使用，请注明来源（知识共享署名 4.0 许可协议，CC BY 4.0）。"
DEFAULT_LICENCE_EN = (
    "Data on this site may be used free of charge; please name the source "
    "(Creative Commons Attribution 4.0, CC BY 4.0)."
)


@register_setting(icon="download")
class OpenDataSettings(BaseGenericSetting):
    """The licence line every open dataset carries (on /data/ and inside its files)."""

    licence = models.CharField(
        _("licence"),
        max_length=300,
        default=DEFAULT_LICENCE,
        help_text=_(
            "The terms of reuse shown with every dataset on the open-data page and written "
            "into its files, e.g. 本站数据可免费使用，请注明来源."
        ),
    )
    licence_en = models.CharField(
        _("licence (English)"),
        max_length=300,
        blank=True,
        default=DEFAULT_LICENCE_EN,
        help_text=_("The same terms on the English pages. Left empty, they show the Chinese."),
    )

    panels = [FieldPanel("licence"), FieldPanel("licence_en")]

    class Meta:
        verbose_name = _("open data")
        verbose_name_plural = _("open data")

    @classmethod
    def current(cls) -> OpenDataSettings:
        """The saved settings, or the defaults while nobody has saved them (a visitor's GET
        never writes, unlike Wagtail's ``load``)."""
        return cls.base_queryset().first() or cls()


class DatasetFile(models.Model):
    """Where one dataset's files are stored for one language, and what they hold.

    Written only by the build (``opendata.building``), never by a request. ``data_version`` is
    the portal's data version (``portal.cache``) the build read before it read the data: while
    it is current the files are up to date; after a data change the page says that newer
    files are being built, and serves these until then. A build writes new files only when
    their content (``digest``) changed, which is also when ``last_changed`` moves;
    ``checked_at`` (the files' "data as of") moves with every build that read the data.
    """

    key = models.CharField(_("dataset"), max_length=80)
    language = models.CharField(_("language"), max_length=10)
    data_version = models.BigIntegerField(_("data version"), null=True, blank=True)
    digest = models.CharField(_("content digest"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    last_changed = models.DateTimeField(_("data last changed"), null=True, blank=True)
    generated_at = models.DateTimeField(_("files written at"))
    checked_at = models.DateTimeField(_("data as of"), null=True, blank=True)
    # {"csv": {"name": storage name, "size": bytes}, "xlsx": …, "json": …}
    files = models.JSONField(_("files"), default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="opendata_file_key_language")
        ]
        verbose_name = _("dataset file")
        verbose_name_plural = _("dataset files")

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"
