"""URL configuration: public domain pages, admin, i18n, then Wagtail's page serving."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts import LogoutView
from portal.audit import ScopedLogEntriesView

# Wagtail admin views the portal replaces at their own addresses (so every link Wagtail draws
# still reaches them): a logout that only POST performs, and the department-scoped site history.
admin_overrides = [
    path("logout/", require_admin_access(LogoutView.as_view()), name="portal_logout"),
    path(
        "reports/site-history/",
        require_admin_access(ScopedLogEntriesView.as_view()),
        name="portal_site_history",
    ),
    path(
        "reports/site-history/results/",
        require_admin_access(ScopedLogEntriesView.as_view(results_only=True)),
        name="portal_site_history_results",
    ),
]

urlpatterns = [
    path("admin/", include(admin_overrides)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Departments' systems push measurements here (token-authenticated; before any api/v1/).
    path("api/v1/push/", include("portal.push_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", include("search.urls")),
    path("api/v1/", include("api.urls")),
    path("reports/", include("disclosure.urls")),
    path("surveys/", include("surveys.urls")),
    path("data/", include("opendata.urls")),
    path("captcha/", include("captcha.urls")),
    path("", include("portal.public_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# 503 with Retry-After while the database is unreachable (a restart), 500 otherwise.
handler500 = "portal.errors.server_error"
