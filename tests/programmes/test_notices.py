"""Who is told, at each step of an application that needs someone to act, and where to go."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from innocluster.core.models import Notification
from innocluster.programmes import services
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.factories import (
    Team,
    board_decided,
    confirm_partners_directly,
    fill_in,
    sign_submission,
)

pytestmark = pytest.mark.django_db


def _told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_the_partner_is_invited_then_asked_to_sign_its_consent():
    team = Team()
    application = fill_in(team, team.new_application())
    (invited,) = _told(team.partner_signatory, "application.partner_invited")
    assert invited.url == f"/applications/{application.pk}/"
    assert team.lead.name_ru in invited.title_ru
    assert _told(team.editor, "application.partner_invited") == []  # the lead is not told

    member = application.members.get(organisation=team.partner)
    consent = services.send_consent(member, actor=team.editor)
    (to_sign,) = _told(team.partner_signatory, "application.consent_to_sign")
    assert to_sign.url == f"/documents/{consent.pk}/"


def test_a_declining_partner_is_reported_to_the_lead_with_its_reason():
    team = Team()
    application = fill_in(team, team.new_application())
    member = application.members.get(organisation=team.partner)
    services.decline_participation(member, actor=team.partner_signatory, reason="Нет ресурсов")
    (declined,) = _told(team.signatory, "application.partner_declined")
    assert declined.body_ru == "Нет ресурсов"


def test_submission_asks_the_lead_to_sign_and_tells_the_fund(django_capture_on_commit_callbacks):
    team = Team()
    operator = FundOperatorFactory(preferred_language="en")
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move(application, "submit", actor=team.signatory)
    application.refresh_from_db()
    (to_sign,) = _told(team.signatory, "application.submission_to_sign")
    assert to_sign.url == f"/documents/{application.submission_document_id}/"
    # the Fund hears of it once both documents are signed, not before
    assert _told(operator, "application.submitted") == []
    sign_submission(application, team.signatory, django_capture_on_commit_callbacks)
    (submitted,) = _told(operator, "application.submitted")
    assert application.number in submitted.title_en
    english = next(m for m in mail.outbox if m.to == [operator.email])
    assert f"Application {application.number} was submitted" in english.subject


def test_screening_outcomes_reach_the_lead_with_the_reasons():
    team = Team()
    operator = FundOperatorFactory()
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    services.move(application, "submit", actor=team.signatory)
    sign_submission(application, team.signatory)
    services.move(application, "start_screening", actor=operator)
    assert _told(team.editor, "application.start_screening") == []  # nothing to do for the lead
    services.move(application, "request_revision", actor=operator, reason="Уточните бюджет")
    (returned,) = _told(team.editor, "application.request_revision")
    assert returned.body_ru == "Уточните бюджет"
    with translation.override("en"):
        assert returned.title_en == f"Application {application.number} is returned for revision"


def test_the_boards_decision_is_told_once_by_the_board_not_twice():
    from innocluster.programmes.models import Application

    team = Team()
    operator = FundOperatorFactory()
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    services.move(application, "submit", actor=team.signatory)
    Application.objects.filter(pk=application.pk).update(state="board")
    application.refresh_from_db()
    board_decided(application, "waitlisted")
    services.move(application, "waitlist", actor=operator, reason="Бюджет исчерпан")
    # the board's service tells the lead (review.board.record_decision); the move does not
    assert _told(team.editor, "application.waitlist") == []
    services.move(application, "approve", actor=operator)  # money freed up: the Fund tells
    (approved,) = _told(team.editor, "application.approve")
    assert application.number in approved.title_ru
