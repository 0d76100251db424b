"""Portal pages of the documents app (mounted at /documents/)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("in-flight/", views.in_flight, name="in_flight"),
    path("new/", views.create, name="create"),
    path("certificates/", views.certificates, name="certificates"),
    path(
        "certificates/<str:serial>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("<uuid:document_id>/", views.document_detail, name="detail"),
    path(
        "<uuid:document_id>/versions/<int:number>/",
        views.version_download,
        name="version",
    ),
    path("<uuid:document_id>/sign/", views.sign, name="sign"),
    path("<uuid:document_id>/reject/", views.reject, name="reject"),
    path("<uuid:document_id>/revoke/", views.revoke, name="revoke"),
    path("<uuid:document_id>/countersign/", views.countersign, name="countersign"),
]
