"""Operators' application lists, bulk actions and exports, and the calls they publish (mounted
at /manage/applications/)."""

from django.urls import path, re_path

from . import manage_views as views

app_name = "manage_applications"
urlpatterns: list = [
    path("", views.application_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)\Z", views.export, name="export"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.new_call, name="new_call"),
    path("calls/<slug:code>/edit/", views.edit_call, name="edit_call"),
    path("calls/<slug:code>/publish/", views.publish, name="publish_call"),
    path("<uuid:application_id>/", views.application_detail, name="detail"),
    path("<uuid:application_id>/move/", views.application_move, name="move"),
    path("<uuid:application_id>/file.pdf", views.application_file, name="file"),
]
