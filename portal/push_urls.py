"""The push API for departments' systems (included at ``api/v1/push/`` in portal.urls)."""

from django.urls import path

from portal.push_views import push_measurements

app_name = "push"
urlpatterns = [path("measurements", push_measurements, name="measurements")]
