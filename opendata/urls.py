"""The open-data catalogue (namespace ``opendata``)."""

from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:key>.<str:fmt>", views.download, name="download"),
]
