"""Each service's QR code and printable A4 poster for its window, and the address the code
opens (扫码评价): the open survey of the service, with service and channel filled in."""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from surveys.models import Service, Survey


def _public_service(slug: str) -> Service:
    return get_object_or_404(Service.objects.public().select_related("department"), slug=slug)


def open_survey_for(service: Service) -> Survey | None:
    """The survey residents of this service answer today (the newest open one)."""
    today = timezone.localdate()
    surveys = Survey.objects.filter(services=service, active=True).order_by("-pk")
    return next((s for s in surveys if s.is_open(today)), None)


@require_safe
def rate_service(request, slug):
    """Where the QR code points: the open survey's form, this service and channel chosen."""
    service = _public_service(slug)
    survey = open_survey_for(service)
    if survey is None:
        return render(request, "surveys/no_open_survey.html", {"service": service}, status=404)
    url = reverse("surveys:rate", kwargs={"slug": survey.slug})
    return redirect(f"{url}?service={service.slug}&channel={service.channel}")


def _qr(request, service: Service) -> segno.QRCode:
    # Error correction M: the code survives a scuffed, sun-bleached poster at a window.
    return segno.make(request.build_absolute_uri(service.get_rating_url()), error="m")


@require_safe
def service_qr(request, slug):
    """The service's QR code as SVG (scales to any print size)."""
    service = _public_service(slug)
    buffer = io.BytesIO()
    _qr(request, service).save(
        buffer, kind="svg", scale=10, border=4, title=service.name, xmldecl=False
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{service.slug}.svg"'
    return response


@require_safe
def service_poster(request, slug):
    """An A4 page to print for the window: the QR code, the service and what to do."""
    service = _public_service(slug)
    buffer = io.BytesIO()
    _qr(request, service).save(buffer, kind="svg", scale=10, border=4, xmldecl=False, svgns=True)
    return render(
        request,
        "surveys/poster.html",
        {
            "service": service,
            "department": service.department,
            "qr_svg": buffer.getvalue().decode(),
            "rating_url": request.build_absolute_uri(service.get_rating_url()),
        },
    )
