"""Project pages (mounted at /projects/)."""

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("prepare/<uuid:application_id>/", views.prepare, name="prepare"),
    path("export.csv", views.project_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.project_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<uuid:project_id>/", views.project_detail, name="detail"),
    path("<uuid:project_id>/reissue/", views.reissue, name="reissue"),
    path("<uuid:project_id>/supplementary/", views.supplementary, name="supplementary"),
    path("<uuid:project_id>/terminate/", views.terminate, name="terminate"),
    path("<uuid:project_id>/tranches/<uuid:tranche_id>/pay/", views.pay, name="pay"),
    path("<uuid:project_id>/reports/<uuid:milestone_id>/", views.report, name="report"),
    path(
        "<uuid:project_id>/reports/<uuid:milestone_id>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("<uuid:project_id>/reports/<uuid:milestone_id>/accept/", views.accept, name="accept"),
    path(
        "<uuid:project_id>/reports/<uuid:milestone_id>/return/",
        views.return_report,
        name="return",
    ),
    path(
        "<uuid:project_id>/evidence/<uuid:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
]
