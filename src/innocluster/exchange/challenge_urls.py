"""Challenge and solution pages (under /exchange/challenges/)."""

from django.urls import path

from . import challenge_views as views

urlpatterns = [
    path("", views.challenge_list, name="challenges"),
    path("export.csv", views.challenges_csv, name="challenges_csv"),
    path("new/", views.challenge_new, name="challenge_new"),
    path("mine/", views.my_challenges, name="my_challenges"),
    path("<uuid:challenge_id>/", views.challenge_detail, name="challenge"),
    path("<uuid:challenge_id>/edit/", views.challenge_edit, name="challenge_edit"),
    path("<uuid:challenge_id>/publish/", views.challenge_publish, name="challenge_publish"),
    path("<uuid:challenge_id>/move/", views.challenge_move, name="challenge_move"),
    path("<uuid:challenge_id>/nda/", views.challenge_nda, name="challenge_nda"),
    path("<uuid:challenge_id>/solutions/", views.challenge_pipeline, name="challenge_pipeline"),
    path("<uuid:challenge_id>/solutions.csv", views.pipeline_csv, name="challenge_pipeline_csv"),
    path("<uuid:challenge_id>/respond/", views.challenge_respond, name="challenge_respond"),
    path("solutions/<uuid:solution_id>/", views.solution_detail, name="solution"),
    path("solutions/<uuid:solution_id>/move/", views.solution_move, name="solution_move"),
    path(
        "solutions/<uuid:solution_id>/withdraw/", views.solution_withdraw, name="solution_withdraw"
    ),
    path("solutions/<uuid:solution_id>/messages/", views.solution_message, name="solution_message"),
    path("solutions/<uuid:solution_id>/files/", views.solution_files, name="solution_files"),
    path(
        "solutions/<uuid:solution_id>/files/<uuid:attachment_id>/",
        views.solution_file,
        name="solution_file",
    ),
]
