"""The public rating form (扫码评价): a survey's questions, the service rated, a captcha with a
larger image and an audio alternative, and a honeypot field that people never see."""

from __future__ import annotations

from dataclasses import dataclass

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Service, Survey, SurveyQuestion

DEFAULT_TEXT_LIMIT = 1000
HONEYPOT_FIELD = "website"


class AccessibleCaptchaInput(CaptchaTextInput):
    """The captcha with a described image, a larger version and an audio alternative
    (适老化: people who cannot read the image can listen to it)."""

    template_name = "surveys/captcha_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["image_2x"] = context["image"].rstrip("/") + "@2/"
        return context


class OneTryCaptchaField(CaptchaField):
    """django-simple-captcha's field with its answer checked and used up in one statement.

    The library first deletes every expired captcha, then reads the stored answer, deletes it
    and compares: five round trips on each rating (a delete is wrapped in a transaction), and
    two simultaneous posts of one solved captcha can both read it before either deletes it.
    Here one ``UPDATE … SET expiration = now WHERE hashkey AND answer AND not expired``
    decides: one round trip, and of two replays only one can find the row unexpired. A wrong
    answer uses the captcha up too (one try), as the library does. Used and expired captchas
    are deleted when a new form is shown (``views.rating``).
    """

    def clean(self, value):
        forms.MultiValueField.clean(self, value)  # the library's own clean is replaced
        key, answer = value[0], (value[1] or "").strip().lower()
        value[1] = ""
        now = timezone.now()
        if captcha_settings.CAPTCHA_TEST_MODE and answer == "passed":
            CaptchaStore.objects.filter(hashkey=key).update(expiration=now)
            return value
        unexpired = CaptchaStore.objects.filter(hashkey=key, expiration__gt=now)
        if not unexpired.filter(response=answer).update(expiration=now):
            unexpired.update(expiration=now)
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class ServiceChoiceField(forms.ModelChoiceField):
    """One of the survey's services, found among those the view has already loaded: a rating
    costs no second query for them (the form is the site's busiest write)."""

    def __init__(self, services: list[Service], **kwargs):
        self.known = {str(service.pk): service for service in services}
        super().__init__(queryset=Service.objects.filter(pk__in=[s.pk for s in services]), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        service = self.known.get(str(getattr(value, "pk", value)))
        if service is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return service


@dataclass(frozen=True)
class Condition:
    """A question shown only when ``earlier`` has one of ``values`` (form values: a scale's
    levels as digits, a choice's options); ``labels`` are those answers as the visitor reads
    them."""

    earlier: SurveyQuestion
    values: list[str]
    labels: list[str]


class RatingForm(forms.Form):
    """One resident's answers to ``survey``. Questions become fields named ``q<pk>``; a
    question with a condition is required (and stored) only when the condition holds."""

    def __init__(self, *args, survey: Survey, questions: list[SurveyQuestion], services, **kw):
        super().__init__(*args, **kw)
        self.survey = survey
        self.questions = questions
        self.services = list(services)
        if self.services:
            self.fields["service"] = ServiceChoiceField(
                self.services,
                label=_("Which service did you use?"),
                widget=forms.RadioSelect,
                empty_label=None,
                required=True,
                error_messages={"required": _("Choose the service you used.")},
            )
            if len(self.services) == 1:
                self.fields["service"].initial = self.services[0].pk
        self.fields["channel"] = forms.ChoiceField(
            choices=[("", "—")] + list(Service.Channel.choices), required=False
        )
        for question in questions:
            self.fields[question.field_name] = self._field_for(question)
        self.fields[HONEYPOT_FIELD] = forms.CharField(required=False, label=_("Leave empty"))
        self.fields["captcha"] = OneTryCaptchaField(
            label=_("Type the characters in the picture"),
            widget=AccessibleCaptchaInput(),
            error_messages={
                "invalid": _(
                    "The characters did not match the picture. A new picture is shown: "
                    "please type it again (or listen to it)."
                ),
                "required": _("Type the characters in the picture (or listen to them)."),
            },
        )

    @staticmethod
    def _field_for(question: SurveyQuestion) -> forms.Field:
        options = question.display_options
        common = {
            "label": question.display_text,
            "help_text": question.hint,
            # Required-ness of a conditional question is decided in clean().
            "required": question.required and not question.show_if_key,
            "error_messages": {"required": _("This question needs an answer.")},
        }
        if question.kind == SurveyQuestion.Kind.SCALE:
            # Best first, stored as 5 … 1.
            levels = [(5 - index, label) for index, label in enumerate(options[:5])]
            return forms.TypedChoiceField(
                choices=levels, coerce=int, widget=forms.RadioSelect, **common
            )
        if question.kind == SurveyQuestion.Kind.CHOICE:
            return forms.ChoiceField(
                choices=[(o, o) for o in options], widget=forms.RadioSelect, **common
            )
        if question.kind == SurveyQuestion.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in options],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        limit = question.max_length or DEFAULT_TEXT_LIMIT
        return forms.CharField(
            max_length=limit,
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": limit}),
            strip=True,
            **{
                **common,
                "error_messages": {
                    **common["error_messages"],
                    "max_length": _(
                        "Please keep this answer to %(limit_value)d characters "
                        "(it has %(show_value)d)."
                    ),
                },
            },
        )

    def condition_of(self, question: SurveyQuestion) -> Condition | None:
        """What makes ``question`` appear: the earlier question's form values (a scale's
        levels, a choice's options) and how they read in the visitor's language."""
        if not question.show_if_key:
            return None
        earlier = next((q for q in self.questions if q.key == question.show_if_key), None)
        if earlier is None:
            return None  # a condition on a missing question never hides anything
        wanted = set(question.show_if_answers)
        if earlier.kind == SurveyQuestion.Kind.SCALE:
            labels = earlier.display_options
            names = earlier.names_by_level()
            levels = [level for level in range(5, 0, -1) if wanted & names[level]]
            return Condition(
                earlier,
                [str(level) for level in levels],
                [str(labels[5 - level]) for level in levels if len(labels) >= 6 - level],
            )
        matching = [option for option in earlier.display_options if option in wanted]
        return Condition(earlier, matching, matching)

    def is_shown(self, question: SurveyQuestion, data: dict) -> bool:
        """Does ``question``'s condition hold for the answers in ``data``?"""
        condition = self.condition_of(question)
        if condition is None:
            return True
        if not self.is_shown(condition.earlier, data):
            return False
        answer = data.get(condition.earlier.field_name)
        chosen = answer if isinstance(answer, list) else [answer]
        return any(str(value) in condition.values for value in chosen if value not in (None, ""))

    def clean(self):
        data = super().clean()
        if data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("Your rating could not be accepted. Please try again."), code="honeypot"
            )
        for question in self.questions:
            name = question.field_name
            if not self.is_shown(question, data):
                data[name] = None  # hidden answers are never stored
            elif question.show_if_key and question.required and data.get(name) in (None, "", []):
                self.add_error(name, _("This question needs an answer."))
        return data

    def answers(self) -> dict[SurveyQuestion, object]:
        """The cleaned answers, by question."""
        return {q: self.cleaned_data.get(q.field_name) for q in self.questions}
