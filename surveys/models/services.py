"""The public services residents rate (政务服务事项 at a window, online, on a hotline or an app)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.i18n import localized_field
from portal.links import quick_reverse
from portal.models import Department


class ServiceQuerySet(models.QuerySet):
    """Services, with the rule for which ones residents can rate and see."""

    def public(self):
        return self.filter(active=True, department__active=True)


class Service(models.Model):
    """A service a department delivers through one channel; each has a QR code for its window."""

    class Channel(models.TextChoices):
        # The four channels of 政务服务"好差评" (国办发〔2019〕51号).
        WINDOW = "window", _("Service window")
        ONLINE = "online", _("Online")
        HOTLINE = "hotline", _("Hotline")
        MOBILE = "mobile", _("Mobile app")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("department"),
        help_text=_("The department that delivers the service."),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As residents know it, e.g. 不动产登记窗口.")
    )
    name_en = models.CharField(
        _("English name"), max_length=300, blank=True, help_text=_("Shown on the English site.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the rating address printed in the QR code; Latin letters."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.WINDOW,
        help_text=_("Where residents use the service."),
    )
    address = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        help_text=_("Where the window is, e.g. 市民中心二楼 12 号窗口; or the hotline number."),
    )
    url = models.URLField(
        _("web address"), blank=True, help_text=_("For an online service: where it is used.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive services cannot be rated.")
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_channel_display()}）"

    @property
    def display_name(self) -> str:
        """The name in the visitor's language (the English name when there is one)."""
        return localized_field(self, "name")

    def get_absolute_url(self) -> str:
        """The service's public page: where it is and how residents rate it."""
        return quick_reverse("surveys:service", slug=self.slug)

    def get_rating_url(self) -> str:
        """The address the window's QR code opens: the rating form, this service filled in."""
        return reverse("surveys:rate_service", kwargs={"slug": self.slug})
