"""Target adjustments (目标调整): the only way a published indicator's terms change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.departments import Department
from portal.models.goals import Indicator
from portal.months import iso_month

# The terms of an indicator that decide its light and its points (DESIGN.md: a target changed
# after a cycle is published is a dated, approved, public adjustment).
ADJUSTABLE_FIELDS = ("target", "baseline", "weight", "direction")


class TargetAdjustmentQuerySet(models.QuerySet):
    """Adjustments as the public site and the admin read them."""

    def approved(self):
        return self.filter(state=TargetAdjustment.State.APPROVED)

    def pending(self):
        return self.filter(state=TargetAdjustment.State.REQUESTED)


class TargetAdjustment(models.Model):
    """A requested change of an indicator's target, baseline, weight or direction after its
    cycle was published: requested with a reason by the department, decided by the city."""

    class Field(models.TextChoices):
        TARGET = "target", _("Target")
        BASELINE = "baseline", _("Baseline")
        WEIGHT = "weight", _("Weight")
        DIRECTION = "direction", _("Direction")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    indicator = models.ForeignKey(
        Indicator,
        # An indicator with a public adjustment history is not deleted with it.
        on_delete=models.PROTECT,
        related_name="adjustment_requests",
        verbose_name=_("indicator"),
        help_text=_("The indicator whose term changes."),
    )
    field = models.CharField(
        _("field changed"),
        max_length=12,
        choices=Field.choices,
        default=Field.TARGET,
        help_text=_("Which term of the indicator changes."),
    )
    old_value = models.CharField(
        _("original value"),
        max_length=40,
        blank=True,
        help_text=_("The value in force when the adjustment was requested."),
    )
    new_value = models.CharField(
        _("adjusted value"),
        max_length=40,
        blank=True,
        help_text=_("The value asked for (a number, or higher/lower/milestone for a direction)."),
    )
    reason = models.TextField(
        _("reason"),
        max_length=1000,
        help_text=_("Why the term must change. Shown publicly beside the original value."),
    )
    effective_from = models.DateField(
        _("effective from month"),
        help_text=_(
            "The first month judged against the adjusted value; earlier months keep the "
            "original one."
        ),
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=State.choices,
        default=State.REQUESTED,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        editable=False,
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    objects = TargetAdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("target adjustment")
        verbose_name_plural = _("target adjustments")

    def __str__(self) -> str:
        return (
            f"{self.indicator.code} {self.get_field_display()}: "
            f"{self.old_value or '—'} → {self.new_value or '—'} ({iso_month(self.effective_from)})"
        )

    @property
    def department(self) -> Department:
        return self.indicator.goal.owner

    def save(self, *args, **kwargs):
        # Months: any day stands for its month, stored as the first day.
        if self.effective_from:
            self.effective_from = self.effective_from.replace(day=1)
        super().save(*args, **kwargs)
