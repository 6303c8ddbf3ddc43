"""What residents send: one Response per submitted form, one Answer row per answer.

One row per answer makes every published figure a database aggregate (counts per level,
per question, per service, per month), and lets a rating be invalidated without touching the
others. A response stores no IP address: ``client_key`` is a keyed hash (surveys.privacy), and
free text is masked before it is saved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models.services import Service
from surveys.models.surveys import Survey, SurveyQuestion


class ResponseQuerySet(models.QuerySet):
    """Responses, with the rule for which ones count."""

    def valid(self):
        return self.filter(invalidated_at__isnull=True)


class Response(models.Model):
    """One resident's submitted rating of one survey (all their answers)."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("survey"),
        help_text=_("The survey answered."),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("service"),
        help_text=_("The service rated (filled in by the QR code, or chosen by the resident)."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Service.Channel.choices,
        blank=True,
        help_text=_("Where the resident used the service."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # The city's local month and day of submission: what results and the one-a-day rule use.
    period = models.DateField(_("month"), help_text=_("The month the rating counts for."))
    day = models.DateField(_("day"), help_text=_("The local date the rating was sent."))
    client_key = models.CharField(
        _("client key"),
        max_length=64,
        help_text=_("A keyed hash standing for the sender; no address is stored."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invalidated by"),
    )
    invalid_reason = models.CharField(
        _("reason for invalidation"),
        max_length=500,
        blank=True,
        help_text=_("Why this rating does not count, e.g. a test by staff or a duplicate."),
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One response per client per survey per day, enforced by the database so that
            # simultaneous submissions cannot slip past a check made in Python.
            models.UniqueConstraint(
                fields=["survey", "client_key", "day"], name="surveys_response_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["survey", "period"], name="surveys_response_month")]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        # The city's local time, as editors read it (not the stored UTC).
        return f"{self.survey} {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"

    @property
    def is_valid(self) -> bool:
        return self.invalidated_at is None


class Answer(models.Model):
    """One answer: a level of a five-level scale, one chosen option, or masked free text."""

    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        SurveyQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, help_text=_("5 (best) to 1 (worst) on a scale.")
    )
    choice = models.CharField(_("chosen option"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("Personal data masked."))

    class Meta:
        ordering = ["response", "question__sort_order", "pk"]
        indexes = [models.Index(fields=["question", "level"], name="surveys_answer_level")]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text or self.choice or str(self.level or "")
