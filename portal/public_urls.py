"""Public pages of the performance domain (namespace ``portal``)."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("departments/", views.department_index, name="department_index"),
    path("departments/<slug:slug>/", views.department_detail, name="department"),
    path(
        "departments/<slug:slug>/scores.<str:fmt>",
        views.department_history_download,
        name="department_history_download",
    ),
    path("goals/<int:year>/<str:code>/", views.goal_detail, name="goal"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path(
        "indicators/<str:code>/data.<str:fmt>",
        views.indicator_download,
        name="indicator_download",
    ),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/rankings.<str:fmt>", views.rankings_download, name="rankings_download"),
    path("lang/<str:code>/", views.switch_language, name="switch_language"),
    path("about/accessibility/", views.accessibility, name="accessibility"),
    path("about/methodology/", views.methodology, name="methodology"),
]
