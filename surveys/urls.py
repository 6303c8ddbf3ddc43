"""Public survey pages (namespace ``surveys``), mounted at /surveys/ by portal.urls."""

from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_index, name="index"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("<slug:slug>/", views.survey_detail, name="survey"),
]
