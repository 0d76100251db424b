from django.urls import path

from . import export_views, views

app_name = "registry"
urlpatterns = [
    path("registry/", views.registry_list, name="list"),
    path("registry/statistics/", views.registry_statistics, name="statistics"),
    path("registry/export.<str:fmt>", export_views.registry_export, name="export"),
    path("registry/<uuid:org_id>/", views.organisation_detail, name="detail"),
    path("registry/<uuid:org_id>/edit/", views.organisation_edit, name="edit"),
    path("join/", views.join, name="join"),
    path("join/applications/<uuid:application_id>/", views.application_status, name="application"),
]
