"""The public rating form (扫码评价): a survey's questions, the service rated, a captcha with a
larger image and an audio alternative, and a honeypot field that people never see."""

from __future__ import annotations

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
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
        self.fields["captcha"] = CaptchaField(
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

    def is_shown(self, question: SurveyQuestion, data: dict) -> bool:
        """Does ``question``'s condition hold for the answers in ``data``?"""
        if not question.show_if_key:
            return True
        earlier = next((q for q in self.questions if q.key == question.show_if_key), None)
        if earlier is None:
            return True  # a condition on a missing question never hides anything
        if not self.is_shown(earlier, data):
            return False
        answer = data.get(earlier.field_name)
        if earlier.kind == SurveyQuestion.Kind.SCALE and answer not in (None, ""):
            options = earlier.display_options
            answer = options[5 - int(answer)] if 1 <= int(answer) <= 5 else None
        chosen = set(answer) if isinstance(answer, list) else {answer}
        return bool(chosen & set(question.show_if_answers))

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
