"""Departments (部门) and the editors who work for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.links import quick_reverse


class DepartmentManager(models.Manager):
    def by_slug(self) -> dict[str, Department]:
        """Every department (current or not) by its slug, held in the worker's memory until
        the data version moves (a department's save moves it): its page and the API's
        ``department`` filter find it without a query. Shared by the worker's requests:
        read-only."""
        from portal.cache import held

        return held("departments-by-slug", lambda: {d.slug: d for d in self.all()})

    def by_pk(self) -> dict[int, Department]:
        """The same departments by primary key (an indicator page's owner)."""
        from portal.cache import held

        return held("departments-by-pk", lambda: {d.pk: d for d in self.by_slug().values()})


class Department(models.Model):
    """A government department (部门) that owns goals and reports on indicators."""

    class Category(models.TextChoices):
        GENERAL = "general", _("General administration")
        ECONOMY = "economy", _("Economy and development")
        SOCIAL = "social", _("Social services")
        ENVIRONMENT = "environment", _("Environment and urban management")
        SAFETY = "safety", _("Public safety and law")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("Full official name, e.g. 市公安局.")
    )
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown on the English site.")
    )
    short_name = models.CharField(
        _("short name"), max_length=30, blank=True, help_text=_("Common short form, e.g. 公安局.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the page address; Latin letters."),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        default=Category.GENERAL,
        help_text=_("Groups departments on the public site."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the department is responsible for.")
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=50, blank=True, help_text=_("Public enquiry line.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True, help_text=_("Public email."))
    address = models.CharField(
        _("address"), max_length=200, blank=True, help_text=_("Office address.")
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive departments are hidden from current pages."),
    )
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("name_en"), FieldPanel("slug")]),
        FieldPanel("category"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("address")],
            heading=_("Contact"),
        ),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    objects = DepartmentManager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = [("manage_all_departments", _("Can manage every department's data"))]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return quick_reverse("portal:department", slug=self.slug)


class DepartmentEditor(models.Model):
    """Links an editor account to the department whose data they may change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_links",
        verbose_name=_("user"),
        help_text=_("The editor's account."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="editor_links",
        verbose_name=_("department"),
        help_text=_("The department the editor works for."),
    )

    class Meta:
        unique_together = [("user", "department")]
        verbose_name = _("department editor")
        verbose_name_plural = _("department editors")

    def __str__(self) -> str:
        return f"{self.user} → {self.department}"
