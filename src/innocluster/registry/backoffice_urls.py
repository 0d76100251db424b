from django.urls import path

from . import backoffice_views as views

app_name = "backoffice"
urlpatterns = [
    path("", views.applications_queue, name="queue"),
    path("applications/bulk/", views.applications_bulk, name="bulk"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<uuid:application_id>/decide/",
        views.application_decide,
        name="decide",
    ),
    path("members/", views.member_search, name="members"),
    path("members/export.csv", views.member_export, name="members_export"),
    path("organisations/<uuid:org_id>/", views.organisation_history, name="organisation"),
    path(
        "organisations/<uuid:org_id>/status/",
        views.organisation_change_status,
        name="change_status",
    ),
]
