"""The applicants' pages: who sees what (lead, partner, viewer, stranger, the Fund), starting an
application from a call's page, "my applications" and its query count, the overview with its
checklist and submission (refused with the checklist, after the deadline, then accepted)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from innocluster.programmes.models import Application
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.factories import (
    Team,
    confirm_partners_directly,
    fill_in,
    person,
    sign_submission,
    state_of,
)
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def team():
    return Team()


@pytest.fixture
def application(team):
    return team.new_application()


def url(application, section="") -> str:
    return f"/applications/{application.pk}/" + (f"{section}/" if section else "")


# --- Starting from the call's page -------------------------------------------------------------


def test_the_call_page_tells_each_visitor_how_to_apply(client, team):
    call_url = f"/calls/{team.call.code}/"
    english(client)
    html = html_of(client.get(call_url))
    assert "Sign in to apply" in html
    assert f"/accounts/login/?next=/calls/{team.call.code}/" in html

    outsider = UserFactory()
    client.force_login(outsider)
    english(client)
    html = html_of(client.get(call_url))
    assert "You do not act for any member organisation" in html
    assert 'class="apply"' in html and 'href="/join/"' in html
    assert f'action="/applications/start/{team.call.code}/"' not in html

    # The owner of an organisation not yet admitted cannot lead.
    client.force_login(person(OrganisationFactory(status="applicant"), "owner"))
    html = html_of(client.get(call_url))
    assert "None of your organisations may lead an application" in html
    assert f'action="/applications/start/{team.call.code}/"' not in html

    client.force_login(team.editor)
    html = html_of(client.get(call_url))
    assert f'action="/applications/start/{team.call.code}/"' in html
    # One organisation: no choice to make, the lead travels hidden.
    assert f'type="hidden" name="lead" value="{team.lead.pk}"' in html


def test_a_user_of_several_organisations_chooses_the_lead(client, team):
    other = MemberOrganisationFactory()
    user = person(team.lead, "owner")
    from innocluster.registry.models import OrganisationRole

    OrganisationRole.objects.create(organisation=other, user=user, role="signatory")
    client.force_login(user)
    html = html_of(client.get(f"/calls/{team.call.code}/"))
    assert '<select name="lead"' in html
    response = client.post(
        f"/applications/start/{team.call.code}/", {"lead": str(other.pk), "title": "Проект"}
    )
    created = Application.objects.get()
    assert created.lead == other
    assert response.status_code == 302 and response["Location"] == url(created)


def test_starting_an_application(client, team):
    client.force_login(team.editor)
    response = client.post(
        f"/applications/start/{team.call.code}/",
        {"lead": str(team.lead.pk), "title": "Цифровой двойник"},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(application)
    assert application.title == "Цифровой двойник" and application.state == "draft"
    assert application.created_by == team.editor
    # The call's page now shows it beside the form.
    html = html_of(client.get(f"/calls/{team.call.code}/"))
    assert f'<li><a href="{url(application)}">Цифровой двойник</a>' in html


def test_starting_without_a_title_is_refused_at_the_field(client, team):
    client.force_login(team.editor)
    english(client)
    response = client.post(
        f"/applications/start/{team.call.code}/", {"lead": str(team.lead.pk), "title": ""}
    )
    assert response.status_code == 422
    html = html_of(response)
    assert 'id="id_title_error"' in html and 'aria-invalid="true"' in html
    assert 'href="#id_title"' in html  # the error summary links to the field
    assert not Application.objects.exists()


def test_starting_for_an_organisation_the_user_does_not_act_for_is_refused(client, team):
    client.force_login(team.editor)
    stranger_org = MemberOrganisationFactory()
    response = client.post(
        f"/applications/start/{team.call.code}/", {"lead": str(stranger_org.pk), "title": "X"}
    )
    assert response.status_code == 422
    assert not Application.objects.exists()


def test_a_closed_call_takes_no_application(client, team):
    team.call.opens_at = timezone.now() - datetime.timedelta(days=30)
    team.call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    team.call.save()
    client.force_login(team.editor)
    english(client)
    assert "Start an application" not in html_of(client.get(f"/calls/{team.call.code}/"))
    response = client.post(
        f"/applications/start/{team.call.code}/", {"lead": str(team.lead.pk), "title": "X"}
    )
    assert response.status_code == 409
    assert "The call is not open for applications." in html_of(response)
    assert not Application.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    for path in ("/applications/", url(application), url(application, "budget")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- Who sees what -----------------------------------------------------------------------------


def test_the_overview_for_the_lead_editor(client, team, application):
    client.force_login(team.editor)
    english(client)
    response = client.get(url(application))
    assert response.status_code == 200
    html = html_of(response)
    assert f"<h1>{application.title}</h1>" in html
    assert 'data-state="draft"' in html
    assert "The lead applicant prepares the application" in html
    # The checklist: each item links to the section where it is fixed.
    assert f'href="{url(application, "answers")}#id_answers-summary"' in html
    assert f'href="{url(application, "consortium")}#members"' in html
    assert f'href="{url(application, "attachments")}#doc-charter"' in html
    # The editor is not the signatory: no submit button, and the page says why.
    assert 'data-action="submit"' in html and "<button" in html
    assert 'class="submit-blocked" data-action="submit"' in html
    assert "Only the lead applicant&#x27;s signatory may submit" in html
    assert 'data-action="application.created"' in html  # the history


def test_the_overview_for_each_role(client, team, application):
    services_member = fill_in(team, application).members.get(organisation=team.partner)
    viewer = person(team.lead, "viewer")
    operator = FundOperatorFactory()
    stranger = person(MemberOrganisationFactory(), "owner")
    for user, status in (
        (team.partner_signatory, 200),
        (viewer, 200),
        (operator, 200),
        (stranger, 404),
    ):
        client.force_login(user)
        assert client.get(url(application)).status_code == status, user
        for section in ("details", "answers", "consortium", "budget", "milestones", "kpi"):
            assert client.get(url(application, section)).status_code == status, (user, section)
    # The partner's people are told what to do.
    client.force_login(team.partner_signatory)
    html = html_of(client.get(url(application)))
    assert f'data-invitation="{services_member.pk}"' in html
    # A viewer reads but gets no form to save.
    client.force_login(viewer)
    html = html_of(client.get(url(application, "budget")))
    assert 'data-read-only="true"' in html
    assert 'name="add_rows"' not in html


def test_my_applications(client, team, application):
    fill_in(team, application)
    other_team = Team()
    other_team.new_application(title="Чужой проект")
    client.force_login(team.editor)
    html = html_of(client.get("/applications/"))
    assert application.title in html and "Чужой проект" not in html
    assert f'data-application="{application.pk}"' in html
    # The partner's signatory: the invitation on top, then the application.
    client.force_login(team.partner_signatory)
    html = html_of(client.get("/applications/"))
    member = application.members.get(organisation=team.partner)
    assert f'data-invitation="{member.pk}"' in html
    assert html.index("data-invitation") < html.index("data-application")


def test_my_applications_query_count_does_not_grow(client, team, django_assert_max_num_queries):
    for n in range(2):
        fill_in(team, team.new_application(title=f"Проект {n}"))
    client.force_login(team.editor)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/applications/").status_code == 200
    for n in range(6):
        fill_in(team, team.new_application(title=f"Ещё проект {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/applications/")
    assert html_of(response).count("data-application=") == 8


def test_my_applications_come_in_pages(client, team, monkeypatch):
    from innocluster.programmes.applicant import overview

    monkeypatch.setattr(overview, "PER_PAGE", 2)
    titles = [f"Проект {n}" for n in range(3)]
    for title in titles:
        team.new_application(title=title)
    client.force_login(team.editor)
    first = html_of(client.get("/applications/"))
    assert first.count("data-application=") == 2 and 'rel="next"' in first
    second = html_of(client.get("/applications/?page=2"))
    assert second.count("data-application=") == 1 and 'rel="prev"' in second
    shown = [t for t in titles if t in first + second]
    assert shown == titles  # every one, once, across the pages


# --- Submission --------------------------------------------------------------------------------


def test_submit_is_refused_with_the_checklist_and_nothing_changes(client, team, application):
    client.force_login(team.signatory)
    english(client)
    before = state_of(application)
    response = client.post(url(application, "move"), {"action": "submit"})
    assert response.status_code == 422
    html = html_of(response)
    assert "The application cannot be submitted yet." in html
    assert 'class="checklist"' in html and 'data-code="not_confirmed"' not in html
    assert 'data-code="required"' in html  # unanswered questions
    assert state_of(application) == before


def test_submit_after_the_deadline_is_refused_with_the_reason(client, team, application):
    fill_in(team, application)
    confirm_partners_directly(application)
    team.call.opens_at = timezone.now() - datetime.timedelta(days=30)
    team.call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    team.call.save()
    before = state_of(application)
    client.force_login(team.signatory)
    english(client)
    response = client.post(url(application, "move"), {"action": "submit"})
    assert response.status_code == 409
    html = html_of(response)
    assert 'data-error-code="call_closed"' in html
    assert "The call is not open" in html
    assert state_of(application) == before


def test_submit_sends_the_signatory_to_sign_the_submission(client, team, application):
    fill_in(team, application)
    confirm_partners_directly(application)
    client.force_login(team.signatory)
    html = html_of(client.get(url(application)))
    assert 'data-action="submit"' in html and 'class="checklist-ready"' in html
    response = client.post(url(application, "move"), {"action": "submit"})
    application.refresh_from_db()
    assert application.state == "submitted"
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{application.submission_document_id}/"
    html = html_of(client.get(url(application)))
    assert f'data-to-sign="{application.submission_document_id}"' in html
    assert 'data-action="submit"' not in html
    # The sections are read-only now.
    html = html_of(client.get(url(application, "details")))
    assert 'data-read-only="true"' in html and 'name="title"' not in html
    before = state_of(application)
    response = client.post(
        url(application, "details"),
        {"version": application.version, "title": "Другое название"},
    )
    assert response.status_code == 409
    assert state_of(application) == before


def test_an_unknown_action_is_not_found(client, team, application):
    client.force_login(team.signatory)
    assert client.post(url(application, "move"), {"action": "approve"}).status_code == 404
    assert client.get(url(application, "move")).status_code == 405


def test_a_malformed_identifier_is_not_found(client, team):
    client.force_login(team.editor)
    assert client.get("/applications/not-a-uuid/").status_code == 404
    assert client.get("/applications/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_revision_reasons_are_shown(client, team, application):
    from innocluster.programmes import services

    fill_in(team, application)
    confirm_partners_directly(application)
    services.move(application, "submit", actor=team.signatory)
    sign_submission(application, team.signatory)
    operator = FundOperatorFactory()
    services.move(application, "start_screening", actor=operator)
    services.move(application, "request_revision", actor=operator, reason="Уточните бюджет")
    client.force_login(team.editor)
    html = html_of(client.get(url(application)))
    assert "Уточните бюджет" in html
    assert 'data-state="revision_requested"' in html
    # Editable again.
    assert 'name="add_rows"' in html_of(client.get(url(application, "budget")))
    assert re.search(r'data-action="resubmit"', html)


def test_the_fund_reads_the_application_and_finds_the_back_office(client, application):
    client.force_login(FundOperatorFactory())
    html = html_of(client.get(url(application)))
    assert f'href="/manage/applications/{application.pk}/"' in html
    assert 'data-action="submit"' not in html
    html = html_of(client.get(url(application, "details")))
    assert 'data-read-only="true"' in html and 'name="title"' not in html


def test_the_fund_is_not_offered_to_apply(client, team):
    client.force_login(FundOperatorFactory())
    english(client)
    html = html_of(client.get(f"/calls/{team.call.code}/"))
    assert 'class="apply"' not in html
    html = html_of(client.get("/applications/"))
    assert 'href="/manage/applications/"' in html


def test_the_overview_reads_a_bounded_number_of_queries(
    client, team, application, django_assert_max_num_queries
):
    from innocluster.programmes import services

    fill_in(team, application)
    member = application.members.get(organisation=team.partner)
    services.send_consent(member, actor=team.editor)
    member.refresh_from_db()
    client.force_login(team.signatory)
    with django_assert_max_num_queries(40):
        response = client.get(url(application))
    assert response.status_code == 200
    assert f'data-document="{member.consent_document_id}"' in html_of(response)
