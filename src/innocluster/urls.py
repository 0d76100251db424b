from django.contrib import admin
from django.urls import include, path

from innocluster.api.api import api
from innocluster.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("accounts/", include("innocluster.accounts.urls")),
    path("backoffice/", include("innocluster.registry.backoffice_urls")),
    path("", include("innocluster.registry.urls")),
    path("", include("innocluster.portal.urls")),
]
