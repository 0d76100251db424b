"""The review API: an expert's own assignments, scoring and declining (problem details naming
the fields, nothing changed), the staff's ranking with either funding line, and board
sessions: create, vote, decide (a second approval refused), close."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.review.board import create_session
from innocluster.review.choices import AssignmentStatus
from innocluster.review.models import Assignment, BoardSession, BoardVote, Review
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.review.board_factories import board_member, board_setup
from tests.review.scoring_factories import application_in_review, assign, expert, review_call

pytestmark = pytest.mark.django_db
API = "/api/v1/review"


def call_api(client, user, method, path, body=None):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    kwargs = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def problem_fields(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"]: e["code"] for e in response.json().get("errors", [])}


@pytest.fixture
def application():
    return application_in_review(review_call())


# --------------------------------------------------------------------------- assignments


def test_an_expert_lists_only_their_own_assignments(client, application):
    mine = assign(application)
    assign(application)  # someone else's
    assign(application_in_review(review_call()), mine.expert, status=AssignmentStatus.DECLINED)
    response = call_api(client, mine.expert.user, "get", f"{API}/assignments")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2 and {r["id"] for r in rows} >= {str(mine.pk)}
    only = call_api(client, mine.expert.user, "get", f"{API}/assignments?status=declined").json()
    assert [r["status"] for r in only] == ["declined"]
    bad = call_api(client, mine.expert.user, "get", f"{API}/assignments?status=nonsense")
    assert bad.status_code == 422
    assert call_api(client, None, "get", f"{API}/assignments").status_code in (401, 403)


def test_another_experts_assignment_is_404(client, application):
    theirs = assign(application)
    for user in (expert().user, FundOperatorFactory()):
        for method, suffix, body in (
            ("get", "", None),
            ("put", "", {"scores": {}}),
            ("post", "/decline", {"reason": "capacity"}),
        ):
            response = call_api(
                client, user, method, f"{API}/assignments/{theirs.pk}{suffix}", body
            )
            assert response.status_code == 404, (method, suffix)
    assert call_api(client, theirs.expert.user, "get", f"{API}/assignments/123").status_code == 404


def test_scoring_through_the_api(client, application):
    mine = assign(application)
    path = f"{API}/assignments/{mine.pk}"
    draft = call_api(client, mine.expert.user, "put", path, {"scores": {"novelty": 7}})
    assert draft.status_code == 200 and draft.json()["review"]["scores"] == {"novelty": 7}
    refused = call_api(
        client, mine.expert.user, "put", path,
        {"scores": {"novelty": 11, "bogus": 1}, "comments": {"team": 5}, "submit": True},
    )  # fmt: skip
    assert refused.status_code == 422
    assert problem_fields(refused) == {
        "scores.novelty": "out_of_scale",
        "scores.bogus": "unknown",
        "comments.team": "type",
    }
    assert Review.objects.get().scores == {"novelty": 7}
    done = call_api(
        client, mine.expert.user, "put", path,
        {"scores": {"novelty": 8, "team": 5}, "comments": {"": "Хорошо"}, "submit": True},
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json()["status"] == "submitted"
    assert Decimal(done.json()["review"]["total"]) == Decimal("70")
    again = call_api(client, mine.expert.user, "put", path, {"scores": {"novelty": 1}})
    assert again.status_code == 409 and again.json()["code"] == "submitted"


@pytest.mark.parametrize(
    "body", [{"scores": "x"}, {"scores": [1]}, {"submit": "maybe"}, {"comments": "x"}]
)
def test_malformed_bodies_are_refused_not_crashed(client, application, body):
    mine = assign(application)
    response = call_api(client, mine.expert.user, "put", f"{API}/assignments/{mine.pk}", body)
    assert response.status_code == 422
    assert not Review.objects.exists()


def test_declining_through_the_api(client, application):
    mine = assign(application)
    path = f"{API}/assignments/{mine.pk}/decline"
    refused = call_api(client, mine.expert.user, "post", path, {"reason": "bored"})
    assert refused.status_code == 422 and problem_fields(refused) == {"reason": "invalid"}
    assert Assignment.objects.get().status == AssignmentStatus.ASSIGNED
    done = call_api(
        client, mine.expert.user, "post", path, {"reason": "conflict", "comment": "Дядя"}
    )
    assert done.status_code == 200 and done.json()["decline_reason"] == "conflict"


# --------------------------------------------------------------------------- ranking


def test_the_ranking_is_the_staffs_with_either_line(client):
    setup = board_setup()
    path = f"{API}/calls/{setup.call.code}/ranking"
    for outsider in (setup.members[0], expert().user, UserFactory()):
        assert call_api(client, outsider, "get", path).status_code == 404
    in_order = call_api(client, setup.operator, "get", path).json()
    optimal = call_api(client, setup.operator, "get", path + "?optimal=true").json()
    assert [e["number"] for e in in_order["entries"]] == [
        setup.best.number,
        setup.middle.number,
        setup.low.number,
    ]
    assert [e["funded"] for e in in_order["entries"]] == [True, False, False]
    assert [e["funded"] for e in optimal["entries"]] == [True, False, True]
    assert Decimal(optimal["used_rub"]) == Decimal("5000000")
    assert call_api(client, setup.operator, "get", path + "?optimal=perhaps").status_code == 422
    assert call_api(client, setup.operator, "get", f"{API}/calls/none/ranking").status_code == 404


# --------------------------------------------------------------------------- board sessions


def test_a_board_session_through_the_api(client):
    setup = board_setup()
    create = call_api(
        client,
        setup.operator,
        "post",
        f"{API}/calls/{setup.call.code}/board-sessions",
        {"held_on": "2026-12-10", "members": [str(m.pk) for m in setup.members]},
    )
    assert create.status_code == 201
    data = create.json()
    assert [i["application"]["number"] for i in data["items"]] == [
        setup.best.number,
        setup.middle.number,
        setup.low.number,
    ]
    base = f"{API}/board-sessions/{data['id']}"
    items = {i["application"]["id"]: i["id"] for i in data["items"]}
    best = items[str(setup.best.pk)]

    voted = call_api(client, setup.members[0], "post", f"{base}/items/{best}/vote", {"vote": "for"})
    assert voted.status_code == 200
    assert voted.json()["items"][0]["votes"] == {"for": 1, "against": 0, "abstain": 0}
    assert call_api(client, board_member(), "get", base).status_code == 404
    not_member = call_api(
        client, setup.operator, "post", f"{base}/items/{best}/vote", {"vote": "for"}
    )
    assert not_member.status_code == 403

    path = f"{base}/items/{best}/decision"
    too_much = call_api(
        client, setup.operator, "post", path, {"outcome": "approved", "grant_rub": "3000000.01"}
    )
    assert too_much.status_code == 422 and problem_fields(too_much) == {
        "grant_rub": "above_request"
    }
    approved = call_api(
        client, setup.operator, "post", path, {"outcome": "approved", "grant_rub": 3000000}
    )
    assert approved.status_code == 200
    assert Application.objects.get(pk=setup.best.pk).state == ApplicationState.APPROVED
    votes = BoardVote.objects.count()
    second = call_api(
        client, setup.operator, "post", path, {"outcome": "approved", "grant_rub": 3000000}
    )
    assert second.status_code == 409 and second.json()["code"] == "invalid_transition"
    assert BoardVote.objects.count() == votes

    early = call_api(client, setup.operator, "post", f"{base}/close")
    assert early.status_code == 409 and early.json()["code"] == "undecided"
    for application in (setup.middle, setup.low):
        item = items[str(application.pk)]
        response = call_api(
            client, setup.operator, "post", f"{base}/items/{item}/decision",
            {"outcome": "rejected", "reasons": "Мало баллов"},
        )  # fmt: skip
        assert response.status_code == 200
    closed = call_api(client, setup.operator, "post", f"{base}/close")
    assert closed.status_code == 200
    assert closed.json()["open"] is False
    assert closed.json()["minutes"]["url"].startswith("/documents/")
    member_view = call_api(client, setup.members[1], "get", base).json()
    assert member_view["minutes"]["status"] == "sent"


def test_bad_session_input_names_the_fields(client):
    setup = board_setup()
    path = f"{API}/calls/{setup.call.code}/board-sessions"
    response = call_api(
        client, setup.operator, "post", path, {"held_on": "tomorrow", "members": ["nope"]}
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"held_on": "invalid", "members[0]": "not_found"}
    assert not BoardSession.objects.exists()
    as_member = call_api(
        client, setup.members[0], "post", path,
        {"held_on": "2026-12-10", "members": [str(setup.members[0].pk)]},
    )  # fmt: skip
    assert as_member.status_code == 404


def test_an_item_is_taken_off_the_agenda(client):
    setup = board_setup()
    session = create_session(
        setup.call, held_on=datetime.date(2026, 12, 10), members=setup.members, actor=setup.operator
    )
    low = session.decisions.get(application=setup.low)
    path = f"{API}/board-sessions/{session.pk}/items/{low.pk}"
    assert call_api(client, setup.members[0], "delete", path).status_code == 403
    response = call_api(client, setup.operator, "delete", path)
    assert response.status_code == 200
    assert [i["application"]["id"] for i in response.json()["items"]] == [
        str(setup.best.pk),
        str(setup.middle.pk),
    ]
    assert call_api(client, setup.operator, "delete", path).status_code == 404


def test_unknown_sessions_and_items_are_404(client):
    setup = board_setup()
    session = create_session(
        setup.call, held_on=datetime.date(2026, 12, 10), members=setup.members, actor=setup.operator
    )
    base = f"{API}/board-sessions"
    assert call_api(client, setup.operator, "get", f"{base}/not-a-uuid").status_code == 404
    response = call_api(
        client, setup.operator, "post", f"{base}/{session.pk}/items/xyz/decision",
        {"outcome": "approved"},
    )  # fmt: skip
    assert response.status_code == 404


BAD_BODIES = [
    "not json",
    "[]",
    '{"held_on": 5, "members": "x"}',
    '{"vote": null, "outcome": ["a"], "grant_rub": "1e999"}',
    '{"reasons": "\\u0000", "outcome": "rejected", "grant_rub": -1}',
    '{"scores": {"novelty": "\\u0000"}, "comments": {"\\u0000": 1}}',
    '{"held_on": "2026-02-30", "members": ["' + "a" * 40 + '"]}',
]


@pytest.mark.parametrize("raw", BAD_BODIES)
def test_no_input_gives_a_server_error(client, raw):
    setup = board_setup()
    session = create_session(
        setup.call, held_on=datetime.date(2026, 12, 10), members=setup.members, actor=setup.operator
    )
    item = session.decisions.first()
    mine = assign(application_in_review(setup.call))
    reviews = Review.objects.count()
    targets = [
        (setup.operator, "post", f"{API}/calls/{setup.call.code}/board-sessions"),
        (setup.members[0], "post", f"{API}/board-sessions/{session.pk}/items/{item.pk}/vote"),
        (setup.operator, "post", f"{API}/board-sessions/{session.pk}/items/{item.pk}/decision"),
        (mine.expert.user, "put", f"{API}/assignments/{mine.pk}"),
        (mine.expert.user, "post", f"{API}/assignments/{mine.pk}/decline"),
    ]
    for user, method, path in targets:
        client.force_login(user)
        response = getattr(client, method)(path, data=raw, content_type="application/json")
        # Misspelt or unknown fields are refused too (extra fields are forbidden).
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
    assert BoardVote.objects.count() == 0
    assert Review.objects.count() == reviews
    assert BoardSession.objects.count() == 1
