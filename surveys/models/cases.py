"""Rectification cases (整改案例): what residents reported and what the department did."""

from __future__ import annotations

import datetime
import functools

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from portal.links import quick_reverse
from portal.models import Department
from surveys.models.services import Service
from surveys.models.surveys import Survey


class RectificationCaseQuerySet(models.QuerySet):
    """Rectification cases, with the rule for which ones are public."""

    def public(self):
        return self.filter(public=True, department__active=True)

    def overdue(self, today):
        """Unanswered past their due date: ``RectificationCase.is_overdue`` as a filter."""
        return self.filter(due_on__lt=today, replied_on__isnull=True)

    def department_counts(self, department_id: int, today: datetime.date) -> dict[str, int]:
        """One department's case counts for ``surveys.rectification.CaseRates`` (the same
        counts as ``case_rates(counted_cases().filter(department=...))``), in one hand-written
        statement: the department page asks on every view, and the ORM spent three times
        longer compiling that GROUP BY than the database spent running it
        (docs/decisions/0002-hand-written-sql.md)."""
        with connection.cursor() as cursor:
            cursor.execute(
                _department_counts_sql(),
                [today, RectificationCase.Reply.RECTIFIED, today, department_id],
            )
            row = cursor.fetchone()
        names = ("cases", "counted", "rectified", "answered_with_due_date", "on_time", "overdue")
        return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


@functools.cache
def _department_counts_sql() -> str:
    """The SQL of ``department_counts``, built once from the models' metadata. A case opened by
    an invalidated rating is not counted (``counted_cases``): the LEFT JOIN leaves
    ``invalidated_at`` NULL for a case without a rating."""
    quote = connection.ops.quote_name
    case_model, response_model = RectificationCase, apps.get_model("surveys", "Response")

    def column(name: str) -> str:
        return "c." + quote(case_model._meta.get_field(name).column)

    replied, due = column("replied_on"), column("due_on")
    answered, past_due = f"{replied} IS NOT NULL", f"{due} < %s"
    timed = f"{answered} AND {due} IS NOT NULL"
    invalidated = quote(response_model._meta.get_field("invalidated_at").column)
    return (
        "SELECT COUNT(*),"
        f" SUM(CASE WHEN {answered} OR {past_due} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {answered} AND {column('reply_kind')} = %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {timed} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {timed} AND {replied} <= {due} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {past_due} AND {replied} IS NULL THEN 1 ELSE 0 END)"
        f" FROM {quote(case_model._meta.db_table)} c"
        f" LEFT JOIN {quote(response_model._meta.db_table)} r ON r.id = {column('response')}"
        f" WHERE {column('department')} = %s AND r.{invalidated} IS NULL"
    )


class RectificationCase(models.Model):
    """A rectification case (整改案例): what residents reported and what was done about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Completed")

    class Reply(models.TextChoices):
        # How a department answers a poor rating (差评整改).
        CALLED_BACK = "called_back", _("Called the resident back")
        RECTIFIED = "rectified", _("Rectified")
        EXPLAINED = "explained", _("Explained (no rectification needed)")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="rectification_cases",
        verbose_name=_("department"),
        help_text=_("The department responsible for the rectification."),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_cases",
        verbose_name=_("survey"),
        help_text=_("The survey whose answers raised the problem, if any."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("A short statement of the case.")
    )
    problem = models.TextField(_("problem"), help_text=_("What residents reported."))
    measures = models.TextField(
        _("measures"), blank=True, help_text=_("What the department did about it.")
    )
    result = models.TextField(
        _("result"), blank=True, help_text=_("What changed for residents, once known.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("整改中 while work goes on, 已完成 when it is done."),
    )
    reported_on = models.DateField(_("reported on"), help_text=_("When the problem was raised."))
    resolved_on = models.DateField(
        _("resolved on"),
        null=True,
        blank=True,
        help_text=_("When the rectification was completed; required for a completed case."),
    )
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Show this case on the public site.")
    )
    response = models.OneToOneField(
        "surveys.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("rating"),
        help_text=_("The poor rating that opened this case, if it came from one."),
        editable=False,
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_cases",
        verbose_name=_("service"),
        help_text=_("The service the residents rated."),
    )
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("The last working day for the department's answer."),
    )
    reply_kind = models.CharField(
        _("answer"),
        max_length=12,
        choices=Reply.choices,
        blank=True,
        help_text=_("How the department answered: called back, rectified or explained."),
    )
    replied_on = models.DateField(
        _("answered on"), null=True, blank=True, help_text=_("When the department answered.")
    )
    explanation = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why no rectification is needed (required for an explained case)."),
    )
    comment = models.TextField(
        _("resident's comment"),
        blank=True,
        help_text=_("What the resident wrote, personal data masked. Public only once moderated."),
    )
    comment_moderated = models.BooleanField(
        _("comment moderated"),
        default=False,
        help_text=_("Checked by an editor: the comment may be shown on the public site."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RectificationCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors: dict[str, str] = {}
        if (
            self.service_id
            and self.department_id
            and self.service.department_id != self.department_id
        ):
            errors["service"] = _("Choose a service of the same department.")
        if (
            self.survey_id
            and self.department_id
            and self.survey.department_id != self.department_id
        ):
            errors["survey"] = _("Choose a survey of the same department.")
        if self.status == self.Status.DONE and not self.resolved_on:
            errors["resolved_on"] = _("A completed case needs the date it was resolved.")
        elif self.status == self.Status.OPEN and self.resolved_on:
            errors["resolved_on"] = _(
                "A case in progress has no resolution date yet: mark it completed or clear the date."
            )
        if self.reply_kind == self.Reply.EXPLAINED and not self.explanation.strip():
            errors["explanation"] = _("Give the reason why no rectification is needed.")
        if self.reply_kind and not self.replied_on:
            errors["replied_on"] = _("Enter the date the department answered.")
        elif self.replied_on and not self.reply_kind:
            errors["reply_kind"] = _("Choose how the department answered.")
        if self.resolved_on and self.reported_on and self.resolved_on < self.reported_on:
            errors["resolved_on"] = _(
                "The resolution date cannot be before the date the problem was reported."
            )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return quick_reverse("surveys:case", pk=self.pk)

    def is_overdue(self, today) -> bool:
        """Unanswered past its due date (flagged to the department and the city)."""
        return bool(self.due_on and not self.replied_on and today > self.due_on)

    @property
    def answered_on_time(self) -> bool | None:
        if not self.due_on or not self.replied_on:
            return None
        return self.replied_on <= self.due_on
