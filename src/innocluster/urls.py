from django.contrib import admin
from django.urls import include, path

from innocluster.api.api import api
from innocluster.core.views import healthz
from innocluster.portal import views as portal_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The language switch is on cached public pages, whose forms carry no per-visitor CSRF token;
    # switching languages only sets a preference cookie (portal.views.set_language).
    path("i18n/setlang/", portal_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("accounts/", include("innocluster.accounts.urls")),
    path("backoffice/", include("innocluster.registry.backoffice_urls")),
    path("pki/", include("innocluster.pki.urls")),
    path("documents/", include("innocluster.documents.urls")),
    path("verify/", include("innocluster.documents.verify_urls")),
    path("navigator/", include("innocluster.navigator.urls")),
    path("calls/", include("innocluster.programmes.urls")),
    path("applications/", include("innocluster.programmes.application_urls")),
    path("manage/applications/", include("innocluster.programmes.manage_urls")),
    path("manage/kpis/", include("innocluster.insights.urls")),
    path("review/", include("innocluster.review.urls")),
    path("projects/", include("innocluster.projects.urls")),
    path("exchange/search/", include("innocluster.matching.search_urls")),
    path("exchange/", include("innocluster.exchange.urls")),
    path("matching/", include("innocluster.matching.urls")),
    path("", include("innocluster.registry.urls")),
    path("", include("innocluster.portal.urls")),
]
