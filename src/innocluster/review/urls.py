"""Expert review and board pages (mounted at /review/)."""

from django.urls import path

from . import views, views_board, views_operators

app_name = "review"
urlpatterns = [
    # experts
    path("", views.my_assignments, name="mine"),
    path("assignments/<uuid:assignment_id>/", views.assignment_detail, name="assignment"),
    path("assignments/<uuid:assignment_id>/decline/", views.decline, name="decline"),
    path("assignments/<uuid:assignment_id>/conflict/", views.declare_conflict, name="conflict"),
    # the Fund's operators
    path("calls/", views_operators.call_index, name="calls"),
    path("calls/<slug:code>/", views_operators.call_overview, name="call"),
    path(
        "calls/<slug:code>/assign-automatically/",
        views_operators.run_assignment,
        name="assign_auto",
    ),
    path("calls/<slug:code>/assign/", views_operators.assign, name="assign"),
    path(
        "calls/<slug:code>/assignments/<uuid:assignment_id>/withdraw/",
        views_operators.unassign,
        name="unassign",
    ),
    path("calls/<slug:code>/send-to-board/", views_operators.send_board, name="send_board"),
    path("calls/<slug:code>/ranking/", views_operators.ranking_page, name="ranking"),
    path(
        "calls/<slug:code>/board-sessions/new/",
        views_operators.create_session,
        name="create_session",
    ),
    # board sessions: the Fund's operators and the session's members
    path("board/", views_board.session_list, name="sessions"),
    path("board/<uuid:session_id>/", views_board.session_page, name="session"),
    path(
        "board/<uuid:session_id>/items/<uuid:decision_id>/",
        views_board.item_page,
        name="item",
    ),
    path(
        "board/<uuid:session_id>/items/<uuid:decision_id>/vote/",
        views_board.vote,
        name="vote",
    ),
    path(
        "board/<uuid:session_id>/items/<uuid:decision_id>/decide/",
        views_board.decide,
        name="decide",
    ),
    path(
        "board/<uuid:session_id>/items/<uuid:decision_id>/withdraw/",
        views_board.withdraw,
        name="withdraw",
    ),
    path("board/<uuid:session_id>/close/", views_board.close, name="close"),
]
