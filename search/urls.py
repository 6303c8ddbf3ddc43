"""The search page and its JSON endpoint (namespace ``search``)."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("api/", views.search_api, name="api"),
]
