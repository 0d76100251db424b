"""Applicants' pages: their applications, drafting, consortium, submission (mounted at /applications/)."""

from django.urls import path

from .applicant import consortium, overview, sections

app_name = "applications"
urlpatterns = [
    path("", overview.my_applications, name="list"),
    path("start/<slug:code>/", overview.start, name="start"),
    path("<uuid:application_id>/", overview.detail, name="detail"),
    path("<uuid:application_id>/move/", overview.move, name="move"),
    path("<uuid:application_id>/details/", sections.details, name="details"),
    path("<uuid:application_id>/answers/", sections.answers, name="answers"),
    path("<uuid:application_id>/consortium/", consortium.consortium, name="consortium"),
    path("<uuid:application_id>/consortium/invite/", consortium.invite, name="invite"),
    path(
        "<uuid:application_id>/consortium/<uuid:member_id>/consent/",
        consortium.send_consent,
        name="send_consent",
    ),
    path(
        "<uuid:application_id>/consortium/<uuid:member_id>/decline/",
        consortium.decline,
        name="decline",
    ),
    path("<uuid:application_id>/budget/", sections.budget, name="budget"),
    path("<uuid:application_id>/milestones/", sections.milestones, name="milestones"),
    path("<uuid:application_id>/kpi/", sections.kpi, name="kpi"),
    path("<uuid:application_id>/attachments/", sections.attachments, name="attachments"),
    path(
        "<uuid:application_id>/attachments/<uuid:attachment_id>/",
        overview.attachment_download,
        name="attachment",
    ),
]
