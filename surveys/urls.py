"""Public survey pages (namespace ``surveys``), mounted at /surveys/ by portal.urls."""

from django.urls import path

from surveys.views import cases, rating, results, services

app_name = "surveys"

urlpatterns = [
    path("", results.survey_index, name="index"),
    path("cases/", cases.case_index, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    # The short address in a window's QR code (fewer modules, easier to scan).
    path("s/<slug:slug>/", services.rate_service, name="rate_service"),
    path("services/<slug:slug>/", results.service_detail, name="service"),
    path(
        "services/<slug:slug>/results.<str:fmt>",
        results.service_download,
        name="service_download",
    ),
    path("services/<slug:slug>/qr.svg", services.service_qr, name="service_qr"),
    path("services/<slug:slug>/poster/", services.service_poster, name="service_poster"),
    path("<slug:slug>/rate/", rating.rate, name="rate"),
    path("<slug:slug>/thanks/", rating.thanks, name="thanks"),
    path("<slug:slug>/results.<str:fmt>", results.survey_download, name="survey_download"),
    path("<slug:slug>/", results.survey_detail, name="survey"),
]
