"""The public rating form (扫码评价) and its thank-you page.

Every refusal — a wrong, missing or replayed captcha, a burst, a second rating the same day, a
missing required answer, a closed or unknown survey, an oversize text, a missing CSRF token —
answers with the form again, what the visitor typed kept, a message in their language, and
nothing stored. The form page is never cached (it carries a CSRF token and a captcha).
"""

from __future__ import annotations

from captcha.models import CaptchaStore
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from surveys.actions import DuplicateResponse, Submission, case_working_days, submit_response
from surveys.form_definitions import RatingDefinition, rating_definition
from surveys.forms import RatingForm
from surveys.models import Service
from surveys.protection import rate_limited, remember_device, request_client_key


def _rating_definition(slug: str) -> RatingDefinition:
    """A survey residents may rate (in use, of a current department, open or not), with its
    services and questions."""
    definition = rating_definition(slug)
    if definition is None:
        raise Http404("No such survey")
    return definition


def _service_from_query(request, services: list[Service]) -> Service | None:
    wanted = request.GET.get("service") or request.POST.get("service_slug") or ""
    return next((s for s in services if s.slug == wanted), None)


def _render(request, survey, form, *, service=None, message="", status=200, closed=False):
    response = render(
        request,
        "surveys/rate.html",
        {
            "survey": survey,
            "department": survey.department,
            "form": form,
            "service": service,
            "message": message,
            "closed": closed,
            "questions": (
                [(q, form[q.field_name], form.condition_of(q)) for q in form.questions]
                if form
                else []
            ),
            "working_days": case_working_days(),
        },
        status=status,
    )
    remember_device(request, response)
    return response


def _form(request, definition, service, data=None) -> RatingForm:
    initial = {}
    if service is not None:
        initial = {"service": service.pk, "channel": request.GET.get("channel") or service.channel}
    elif request.GET.get("channel") in Service.Channel.values:
        initial = {"channel": request.GET["channel"]}
    return RatingForm(
        data,
        survey=definition.survey,
        questions=definition.questions,
        services=definition.services,
        initial=initial,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request, slug):
    """Show the survey's form (service and channel filled in from the QR code) or take it."""
    definition = _rating_definition(slug)
    survey = definition.survey
    service = _service_from_query(request, definition.services)
    today = timezone.localdate()
    if not survey.is_open(today):
        message = _("This survey is not open for ratings now.")
        if survey.opens_on and today < survey.opens_on:
            message = _("This survey opens on %(date)s.") % {"date": survey.opens_on}
        elif survey.closes_on and today > survey.closes_on:
            message = _("This survey closed on %(date)s. Thank you for your interest.") % {
                "date": survey.closes_on
            }
        status = 200 if request.method != "POST" else 403
        return _render(request, survey, None, message=message, status=status, closed=True)

    if request.method != "POST":
        # The form's new captcha replaces those nobody answered in time (the answer check
        # no longer clears them: see forms.OneTryCaptchaField).
        CaptchaStore.remove_expired()
        return _render(request, survey, _form(request, definition, service), service=service)

    form = _form(request, definition, service, data=request.POST)
    if rate_limited(request):
        return _render(
            request,
            survey,
            form,
            service=service,
            status=429,
            message=_(
                "Too many ratings have come from your connection in a short time. Please wait "
                "a few minutes and send again; your answers are kept below."
            ),
        )
    if not form.is_valid():
        honeypot = any(e.code == "honeypot" for e in form.non_field_errors().as_data())
        return _render(
            request,
            survey,
            form,
            service=service,
            status=400,
            message=(
                _("Your rating could not be accepted. Please try again.")
                if honeypot
                else _("Some answers need attention (marked below). Nothing has been saved yet.")
            ),
        )
    submission = Submission(
        survey=survey,
        answers=form.answers(),
        client_key=request_client_key(request),
        service=form.cleaned_data.get("service"),
        channel=form.cleaned_data.get("channel") or "",
        language=get_language() or "",
    )
    try:
        submit_response(submission)
    except DuplicateResponse:
        return _render(
            request,
            survey,
            form,
            service=service,
            status=409,
            message=_(
                "You have already rated this survey today. Each visitor's rating counts once a "
                "day; you are welcome to rate again tomorrow."
            ),
        )
    url = reverse("surveys:thanks", kwargs={"slug": survey.slug})
    response = redirect(f"{url}?service={submission.service.slug}" if submission.service else url)
    remember_device(request, response)
    return response


@require_safe
def thanks(request, slug):
    """After a rating: what happens next."""
    survey = _rating_definition(slug).survey
    return render(
        request,
        "surveys/thanks.html",
        {
            "survey": survey,
            "department": survey.department,
            "working_days": case_working_days(),
        },
    )


def csrf_failure(request, reason=""):
    """A missing or stale CSRF token on the rating form shows the form again with a message
    (the visitor's answers kept); everywhere else, Django's own page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "surveys:rate":
        return django_csrf_failure(request, reason=reason)
    definition = _rating_definition(match.kwargs["slug"])
    service = _service_from_query(request, definition.services)
    form = _form(request, definition, service, request.POST)
    return _render(
        request,
        definition.survey,
        form,
        status=403,
        message=_(
            "Your session had expired, so the rating was not sent. Your answers are kept "
            "below: please type the characters in the new picture and send again."
        ),
    )
