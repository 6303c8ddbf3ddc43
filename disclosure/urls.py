from django.urls import path

from disclosure import views
from disclosure.feeds import ReportFeed

app_name = "disclosure"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("feed/", ReportFeed(), name="feed"),
    path("feed/<slug:department>/", ReportFeed(), name="department_feed"),
    path("<int:page_id>/blocks/<str:block_id>.<str:fmt>", views.block_download, name="block"),
    path("<int:page_id>/versions/<int:snapshot_id>/", views.report_version, name="version"),
    path(
        "<int:page_id>/versions/<int:snapshot_id>/blocks/<str:block_id>.<str:fmt>",
        views.block_download,
        name="version_block",
    ),
]
