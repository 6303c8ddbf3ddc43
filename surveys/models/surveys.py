"""Citizen satisfaction surveys: definitions, monthly results and rectification cases (整改案例).

What the public may see is decided here, once, by the ``public()`` querysets: the public pages
and the search index (search/) both read exactly these, so a survey or case is either public
everywhere or nowhere.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from portal.i18n import localized_field
from portal.links import quick_reverse
from portal.models import Department, Indicator
from portal.values import is_blank
from surveys.models.services import Service

SCALE_POINTS = 5
MIN_SCORE = Decimal("1")
MAX_SCORE = Decimal("5")


def public_survey_q(prefix: str = "") -> Q:
    """The rule for a survey whose results are public, as a filter from ``prefix`` (e.g.
    ``"survey__"``): the department chose to publish them, the survey is in use and its
    department is current (inactive departments are hidden from current pages)."""
    return Q(
        **{
            f"{prefix}results_public": True,
            f"{prefix}active": True,
            f"{prefix}department__active": True,
        }
    )


class SurveyQuerySet(models.QuerySet):
    """Surveys, with the rule for which ones show their results publicly."""

    def public(self):
        return self.filter(public_survey_q())


class Survey(ClusterableModel):
    """A satisfaction survey (满意度调查) of one public service of a department."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("department"),
        help_text=_("The department whose service residents rate."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("e.g. 不动产登记窗口服务满意度调查.")
    )
    title_en = models.CharField(
        _("English title"), max_length=300, blank=True, help_text=_("Shown on the English site.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in the page address; Latin letters."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the survey asks about and who is invited to answer."),
    )
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="surveys",
        verbose_name=_("services"),
        help_text=_("The services residents rate with this survey (one or more)."),
    )
    opens_on = models.DateField(
        _("open from"),
        null=True,
        blank=True,
        help_text=_("First day residents can answer; empty: open now."),
    )
    closes_on = models.DateField(
        _("open until"),
        null=True,
        blank=True,
        help_text=_("Last day residents can answer; empty: no end date."),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("satisfaction indicator"),
        help_text=_("The satisfaction (满意度) indicator this survey's results feed, if any."),
    )
    results_public = models.BooleanField(
        _("results public"),
        default=False,
        help_text=_("Show the results on the public site."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive surveys are hidden from the public site."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["department", "title"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the visitor's language (the English title when there is one)."""
        return localized_field(self, "title")

    def clean(self):
        if self.indicator_id and self.indicator.dimension != Indicator.Dimension.SATISFACTION:
            raise ValidationError(
                {"indicator": _("Choose an indicator of the satisfaction (满意度) dimension.")}
            )

    def get_absolute_url(self) -> str:
        return quick_reverse("surveys:survey", slug=self.slug)

    @property
    def service_names(self) -> str:
        """The services rated, in the visitor's language (prefetch ``services`` for lists)."""
        return "、".join(service.display_name for service in self.services.all())

    def is_open(self, day) -> bool:
        """Do residents' answers count on ``day`` (the city's local date)?"""
        return (
            self.active
            and (self.opens_on is None or self.opens_on <= day)
            and (self.closes_on is None or day <= self.closes_on)
        )


def scale_labels_by_level(scale: str) -> dict[int, set[str]]:
    """A scale's usual label for each level (5 best … 1 worst) in each of the site's
    languages."""
    names: dict[int, set[str]] = {level: set() for level in range(5, 0, -1)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for index, label in enumerate(default_scale_labels().get(scale, [])[:5]):
                names[5 - index].add(str(label))
    return names


def default_scale_labels() -> dict[str, list]:
    """The five answers of each scale, best first, for questions that list no options."""
    return {
        SurveyQuestion.Scale.SATISFACTION: [
            # 好差评 (GB/T 39735-2020): 非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意.
            _("Very satisfied"),
            _("Satisfied"),
            _("Fairly satisfied"),
            _("Dissatisfied"),
            _("Very dissatisfied"),
        ],
        SurveyQuestion.Scale.EASE: [
            _("Very easy"),
            _("Easy"),
            _("Neither easy nor difficult"),
            _("Difficult"),
            _("Very difficult"),
        ],
        SurveyQuestion.Scale.AGREEMENT: [
            _("Strongly agree"),
            _("Agree"),
            _("Neither agree nor disagree"),
            _("Disagree"),
            _("Strongly disagree"),
        ],
        SurveyQuestion.Scale.CONFIDENCE: [
            _("Very confident"),
            _("Fairly confident"),
            _("Neutral"),
            _("Not very confident"),
            _("Not at all confident"),
        ],
    }


class SurveyQuestion(Orderable):
    """One question of a survey: a five-level scale, a single choice or free text."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Five-level scale")
        CHOICE = "choice", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    class Scale(models.TextChoices):
        # Real surveys use different five-point scales; not every one is 非常满意…非常不满意.
        SATISFACTION = "satisfaction", _("Satisfaction (very satisfied … very dissatisfied)")
        EASE = "ease", _("Ease (very easy … very difficult)")
        AGREEMENT = "agreement", _("Agreement (strongly agree … strongly disagree)")
        CONFIDENCE = "confidence", _("Confidence (very confident … not at all confident)")

    survey = ParentalKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("survey"),
        help_text=_("The survey this question belongs to."),
    )
    sort_order = models.IntegerField(
        _("sort order"), null=True, blank=True, editable=False, help_text=_("Display order.")
    )
    text = models.CharField(
        _("question"), max_length=500, help_text=_("The question exactly as residents read it.")
    )
    text_en = models.CharField(
        _("English question"), max_length=500, blank=True, help_text=_("Shown on the English site.")
    )
    hint = models.TextField(
        _("hint"),
        blank=True,
        help_text=_("Shown under the question, e.g. a reminder not to enter personal information."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.SCALE,
        help_text=_("A five-level scale, a single choice between options, or free text."),
    )
    scale = models.CharField(
        _("scale"),
        max_length=20,
        choices=Scale.choices,
        blank=True,
        help_text=_("Which five-point scale a scale question uses; empty for other questions."),
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_(
            "One answer per line, best first for a scale (e.g. 非常满意 … 非常不满意). "
            "A scale question without options shows its scale's usual five answers; "
            "a free-text question has none."
        ),
    )
    required = models.BooleanField(
        _("required"), default=False, help_text=_("Residents must answer this question.")
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        blank=True,
        help_text=_(
            "A short name for the question, unique in the survey, e.g. overall. Another "
            "question's condition refers to it; answers exported in a table use it as heading."
        ),
    )
    show_if_key = models.SlugField(
        _("show only if question"),
        max_length=60,
        blank=True,
        help_text=_("The key of an earlier question; empty: always shown."),
    )
    show_if_answers = models.JSONField(
        _("… was answered"),
        default=list,
        blank=True,
        help_text=_("One answer per line: the question is shown when any of them was chosen."),
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"),
        null=True,
        blank=True,
        help_text=_("Most characters a free-text answer may have, e.g. 200 or 1000."),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_questions",
        verbose_name=_("indicator"),
        help_text=_("The indicator this question's answers feed, if any."),
    )

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The question in the visitor's language (the English text when there is one)."""
        return localized_field(self, "text")

    @property
    def display_options(self) -> list:
        """The answers a resident chooses from: the options, or the scale's usual five."""
        if self.options:
            return list(self.options)
        if self.kind == self.Kind.SCALE and self.scale:
            return default_scale_labels().get(self.scale, [])
        return []

    def names_by_level(self) -> dict[int, set[str]]:
        """Every way a condition may name each level (5 best … 1 worst) of this scale
        question: its option, or the scale's label in each of the site's languages, or the
        digit. A condition written as 不满意 holds for an English visitor who chose
        "Dissatisfied"."""
        if self.kind != self.Kind.SCALE:
            return {}
        if self.options:
            names = {5 - index: {str(option)} for index, option in enumerate(self.options[:5])}
        else:
            names = scale_labels_by_level(self.scale)
        return {level: names.get(level, set()) | {str(level)} for level in range(5, 0, -1)}

    def clean(self):
        errors: dict[str, str] = {}
        options = self.options
        if is_blank(options):
            options = self.options = []
        if not isinstance(options, list) or not all(
            isinstance(option, str) and option.strip() for option in options
        ):
            errors["options"] = _("Options are a list of answers, each a non-empty text.")
        elif len(set(options)) != len(options):
            errors["options"] = _("Each option may appear only once.")
        elif self.kind == self.Kind.SCALE and options and len(options) != SCALE_POINTS:
            errors["options"] = _(
                "A five-level scale question has exactly five options (now %(count)s)."
            ) % {"count": len(options)}
        elif self.kind == self.Kind.TEXT and options:
            errors["options"] = _("A free-text question has no options.")
        elif self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE) and len(options) < 2:
            errors["options"] = _("A choice question needs at least two options.")
        if self.kind == self.Kind.SCALE and not self.scale:
            errors["scale"] = _("Choose which five-point scale this question uses.")
        elif self.kind != self.Kind.SCALE and self.scale:
            errors["scale"] = _("Only a five-level scale question has a scale.")
        if self.max_length is not None and self.kind != self.Kind.TEXT:
            errors["max_length"] = _("Only a free-text question has a maximum length.")
        elif self.max_length == 0:
            errors["max_length"] = _("The maximum length must be at least 1 character.")
        answers = self.show_if_answers
        if is_blank(answers):
            answers = self.show_if_answers = []
        if not isinstance(answers, list) or not all(
            isinstance(answer, str) and answer.strip() for answer in answers
        ):
            errors["show_if_answers"] = _("Answers are a list, each a non-empty text.")
        elif self.show_if_key and not answers:
            errors["show_if_answers"] = _("Name the answers that make this question appear.")
        elif answers and not self.show_if_key:
            errors["show_if_key"] = _("Name the earlier question these answers belong to.")
        if self.show_if_key and self.show_if_key == self.key:
            errors["show_if_key"] = _("A question cannot depend on itself.")
        if errors:
            raise ValidationError(errors)

    @property
    def field_name(self) -> str:
        """The name of this question's field in the public form."""
        return f"q{self.pk}"

    @property
    def is_satisfaction_scale(self) -> bool:
        return self.kind == self.Kind.SCALE and self.scale == self.Scale.SATISFACTION
