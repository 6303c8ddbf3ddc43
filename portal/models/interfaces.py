"""Departments' systems sending data: push tokens, their idempotency receipts, pull sources.

A department's business system either pushes measurements to ``/api/v1/push/measurements``
with an :class:`ApiToken`, or publishes a file that ``manage.py pull_department_data`` fetches
from a :class:`DataSource`. Both go through the measurement import (portal.importing).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from portal.models.departments import Department


class ApiToken(models.Model):
    """A department system's secret for the push API; only its hash is stored."""

    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_(
            "Which system uses the token, e.g. 12345 hotline system. It is written in the "
            "audit log with every batch the token sends."
        ),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("department"),
        help_text=_("The token may send values only for this department's indicators."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=16,
        editable=False,
        help_text=_("The token's first characters, to tell tokens apart (not secret)."),
    )
    secret_hash = models.CharField(
        _("hash"), max_length=64, unique=True, editable=False, help_text=_("Keyed hash.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("department")]

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["department__sort_order", "name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PushReceipt(models.Model):
    """The answer given to an accepted push, kept under its Idempotency-Key for a day so that a
    retried request gets the same answer instead of a second write."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="receipts")
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="portal_push_receipt_unique_key")
        ]

    def __str__(self):
        return f"{self.token_id}:{self.key}"


class HttpUrlField(models.URLField):
    """A URL field that accepts only http and https (a file:// or ftp:// source is refused)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class DataSource(models.Model):
    """A department's CSV or JSON file on the intranet that the pull job imports."""

    class Format(models.TextChoices):
        AUTO = "auto", _("From the response's content type")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the file is, e.g. 12345 hotline monthly data.")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="data_sources",
        verbose_name=_("department"),
        help_text=_("The file may hold values only for this department's indicators."),
    )
    url = HttpUrlField(
        _("address"),
        max_length=500,
        help_text=_(
            "http:// or https:// address of the file, with the same columns as an import "
            "(indicator_code, period, value, note, source, reason). A redirect to another "
            "host is not followed."
        ),
    )
    format = models.CharField(
        _("format"), max_length=4, choices=Format.choices, default=Format.AUTO
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active sources are fetched.")
    )
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True, editable=False)
    last_message = models.TextField(
        _("last result"),
        blank=True,
        editable=False,
        help_text=_("What the last fetch did, or why it failed."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("department"),
        FieldPanel("url"),
        FieldPanel("format"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["department__sort_order", "name"]

    def __str__(self):
        return self.name
