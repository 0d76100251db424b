"""A joint project from the call's opening to the implemented project, in a real browser, each
step done by the person whose job it is, signed in as them (issue 5's "Done when"):

1. the Fund's operator opens the call;
2. the lead applies as a consortium: the partner's signatory signs the consent, the lead's
   signatory submits and signs the submission;
3. the operator screens the application and has an expert assigned automatically;
4. the expert, told by a notification, scores every criterion with comments and submits;
5. the operator sends it to the board, reads the ranking and convenes a board session;
6. the board member votes, the operator records the approval with the grant and closes the
   session, the board member signs the minutes;
7. the operator prepares the grant agreement, the lead's signatory signs it, the Fund's
   signatory countersigns it;
8. the lead reports each milestone with KPI values, the operator accepts each report, the Fund's
   signatory signs each act and the operator records each tranche's payment: after the final
   act the project is implemented;
9. the operator's KPI dashboard and ``GET /api/v1/kpis`` count it.

People act where the portal sends them: their notifications, their lists, the buttons on the
pages. The walk is in English (the asserted messages are the source strings); axe-core audits
the review, board, project, back-office, documents and KPI pages it visits, and the Fund's,
the expert's and the board's pages again in Russian at the end (the applicant's pages are
audited by test_application_flow).

The programme and its application form (data, made once per programme) come from the call
services; the operator configures the call itself on the back office's call form and publishes
it on the calls page. Where another part's page cannot do its step, the step goes through the
service that page would call, marked ``TODO(page)`` with what is missing (none now).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import axe_check, use_language
from tests.browser.joint_project_steps import (
    Cast,
    Consortium,
    apply_as_consortium,
    click_and_wait,
    countersign_for_the_fund,
    follow_notification,
    main_text,
    sign_with_password,
    success_message,
)

pytestmark = pytest.mark.browser

GRANT = Decimal("3000000")
# What the lead reports per milestone: jobs, revenue and taxes paid.
REPORTED = [
    {"jobs": "5", "revenue_rub": "20000000", "taxes_rub": "1500000"},
    {"jobs": "7", "revenue_rub": "30000000", "taxes_rub": "2500000"},
]


@dataclass
class Walk:
    """The people of the walk, their signed-in pages, and what they work on."""

    people: Cast
    operator: object  # the Fund's operator
    director: object  # the Fund's signatory (an operator too)
    consortium: Consortium
    expert: object  # review.Expert
    member: object  # a board member
    call: object = None
    application: object = None
    session: object = None
    project: object = None

    @property
    def ops(self):
        return self.people(self.operator)

    @property
    def fund(self):
        return self.people(self.director)

    @property
    def lead(self):
        return self.people(self.consortium.signatory)

    @property
    def reviewer(self):
        return self.people(self.expert.user)

    @property
    def board(self):
        return self.people(self.member)

    def state(self) -> str:
        self.application.refresh_from_db()
        return self.application.state


def badge(page) -> str:
    """The first state badge in the page's main part."""
    return page.locator("main .status-badge").first.inner_text()


def move_in_back_office(page, action: str, expected_label: str) -> None:
    """The operator presses the workflow button of ``action`` on the application's page."""
    click_and_wait(page, f"form:has(input[name=action][value={action}]) button[type=submit]")
    assert page.locator(".error-summary").count() == 0, main_text(page)
    assert f"The application is now: {expected_label}." in success_message(page)
    assert page.locator("#application-state").inner_text() == expected_label


# --- 1. the call -------------------------------------------------------------------------------


def open_the_call(walk: Walk) -> None:
    """The Fund's operator configures the call on the back office's call form (the programme
    and its application form exist: forms are data, made once per programme), publishes it on
    the calls page, and finds it open on its public page."""
    from zoneinfo import ZoneInfo

    from innocluster.programmes import calls
    from innocluster.programmes.models import Call
    from tests.programmes.call_factories import FIELDS

    operator = walk.operator
    programme = calls.create_programme(
        actor=operator, code="joint-e2e", name_ru="Совместные проекты", name_en="Joint projects"
    )
    _form, version = calls.create_form(
        actor=operator, code="joint-e2e-form", name="Joint project application", fields=FIELDS
    )
    moscow = ZoneInfo("Europe/Moscow")
    now = timezone.now().astimezone(moscow)

    page = walk.ops
    page.goto("/manage/applications/calls/")
    click_and_wait(page, "a[href='/manage/applications/calls/new/']")
    page.select_option("#id_programme", value=str(programme.pk))
    page.fill("#id_code", "jp-e2e")
    page.fill("#id_title_ru", "Конкурс совместных проектов")
    page.fill("#id_title_en", "Joint projects call")
    page.fill("#id_opens_at", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_deadline", (now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_budget_rub", "10000000")
    page.fill("#id_max_grant_rub", "5000000")
    page.fill("#id_cofinancing_min_share", "20")
    page.check("input[name='priority_areas'][value='ict']")
    page.check("input[name='innovation_types'][value='technological']")
    page.fill("#id_min_members", "2")
    page.fill("#id_max_members", "3")
    page.fill("#id_min_sme_members", "1")
    page.check("#id_lead_must_be_member")
    page.select_option("#id_form_version", value=str(version.pk))
    page.fill("#id_required_documents", "charter | Устав | Charter")
    page.fill(
        "#id_criteria",
        "novelty | Новизна | Novelty | 2 | 0 | 10\nteam | Команда | Team | 1 | 0 | 10",
    )
    page.fill("#id_reviewers_per_application", "1")
    axe_check(page, "back office: the call form")
    click_and_wait(page, "main form button[type='submit']")
    assert "The call jp-e2e is saved as a draft." in success_message(page)
    row = page.locator("tr[data-call='jp-e2e']")
    assert "Draft" in row.inner_text()
    axe_check(page, "back office: calls")
    click_and_wait(page, "tr[data-call='jp-e2e'] form button")
    assert "The call jp-e2e is published." in success_message(page)
    walk.call = call = Call.objects.get(code="jp-e2e")
    assert call.published_at is not None and call.reviewers_per_application == 1
    page.goto(f"/calls/{call.code}/")
    assert page.locator(".call-status-open").count() >= 1, main_text(page)
    assert "Novelty" in main_text(page)  # the criteria are public


# --- 3. screening and assignment ---------------------------------------------------------------


def screen_and_assign(walk: Walk) -> None:
    application, code = walk.application, walk.call.code
    ops = walk.ops
    follow_notification(ops, f"Application {application.number} was submitted")
    assert ops.url.endswith(f"/manage/applications/{application.pk}/")
    ops.goto("/manage/applications/")
    row = ops.locator("main table tbody tr", has_text=application.number)
    assert "Submitted" in row.inner_text()
    axe_check(ops, "back office: applications")
    click_and_wait(ops, f"main table tbody a[href$='/{application.pk}/']")
    assert ops.locator("#application-state").inner_text() == "Submitted"
    axe_check(ops, "back office: a submitted application")
    move_in_back_office(ops, "start_screening", "Screening")
    move_in_back_office(ops, "pass_screening", "In expert review")
    assert walk.state() == "in_review"

    ops.goto(f"/review/calls/{code}/")
    assert "No expert yet." in main_text(ops)
    axe_check(ops, "review: the call's applications and experts")
    click_and_wait(ops, f"form[action$='/review/calls/{code}/assign-automatically/'] button")
    report = ops.locator("section[aria-labelledby=report-heading]").inner_text()
    assert "New assignments: 1" in report, report
    assert "Expert in digital twins: Assigned" in main_text(ops)


# --- 4. the review -----------------------------------------------------------------------------


def review(walk: Walk) -> None:
    from innocluster.review.models import Assignment

    assignment = Assignment.objects.get(application=walk.application)
    assert assignment.expert == walk.expert
    reviewer = walk.reviewer
    follow_notification(reviewer, "to review", audit=True)
    assert reviewer.url.endswith("/review/")
    axe_check(reviewer, "review: my assignments")
    click_and_wait(reviewer, f"a[href='/review/assignments/{assignment.pk}/']")
    assert walk.application.title in main_text(reviewer)
    axe_check(reviewer, "review: the scoring form")
    # Submitting with a criterion unscored is refused at that field; nothing is saved.
    reviewer.fill("#score-novelty", "9")
    click_and_wait(reviewer, "button[name=action][value=submit]")
    assert reviewer.locator("#score-team[aria-invalid=true]").count() == 1, main_text(reviewer)
    assert not hasattr(Assignment.objects.get(pk=assignment.pk), "review")
    axe_check(reviewer, "review: the scoring form refused")
    reviewer.fill("#comment-novelty", "A digital twin of a whole line is new in the region.")
    reviewer.fill("#score-team", "8")
    reviewer.fill("#comment-team", "The partner brings the shop-floor experience.")
    reviewer.fill("#comment-overall", "Worth funding.")
    click_and_wait(reviewer, "button[name=action][value=submit]")
    assert "Your review is submitted." in success_message(reviewer)
    assert "Weighted total (0–100)" in main_text(reviewer)
    assert reviewer.locator("#score-novelty").count() == 0  # no longer editable
    axe_check(reviewer, "review: a submitted review")


# --- 5. to the board ---------------------------------------------------------------------------


def convene_the_board(walk: Walk) -> None:
    from innocluster.review.models import BoardSession

    application, code = walk.application, walk.call.code
    ops = walk.ops
    ops.goto(f"/review/calls/{code}/")
    row = ops.locator("main table tbody tr", has_text=application.number)
    assert "1 / 1" in row.inner_text()
    click_and_wait(ops, f"form[action$='/review/calls/{code}/send-to-board/'] button")
    sent = ops.locator("section[aria-labelledby=send-heading]").inner_text()
    assert application.number in sent, sent
    assert walk.state() == "board"

    ops.goto(f"/review/calls/{code}/ranking/")
    ranked = ops.locator("main table tbody tr", has_text=application.number)
    assert "above the line" in ranked.inner_text()
    axe_check(ops, "review: ranking and funding line")
    ops.fill("#id_held_on", timezone.localdate().isoformat())
    ops.locator(f"input[name=members][value='{walk.member.pk}']").check()
    click_and_wait(ops, f"form[action$='/review/calls/{code}/board-sessions/new/'] button")
    assert "The board session is convened; its members are told." in success_message(ops)
    walk.session = BoardSession.objects.get(call=walk.call)
    assert ops.url.endswith(f"/review/board/{walk.session.pk}/")
    axe_check(ops, "board: an open session (operator)")


# --- 6. the board ------------------------------------------------------------------------------


def the_board_decides(walk: Walk) -> None:
    session = walk.session
    decision = session.decisions.get()
    board = walk.board
    follow_notification(board, "Board session on")
    assert board.url.endswith(f"/review/board/{session.pk}/")
    axe_check(board, "board: an open session (member)")
    click_and_wait(board, f"a[href='/review/board/{session.pk}/items/{decision.pk}/']")
    assert "Worth funding." in main_text(board)  # the expert's review, unnamed
    axe_check(board, "board: an agenda item with its review")
    board.goto(f"/review/board/{session.pk}/")
    assert board.locator(f"form[action$='/items/{decision.pk}/decide/']").count() == 0
    click_and_wait(board, f"#item-{decision.pk} button[name=vote][value=for]")
    assert "Your vote is recorded." in success_message(board)
    assert "1 / 0 / 0" in board.locator("main table tbody tr").first.inner_text()

    ops = walk.ops
    ops.goto(f"/review/board/{session.pk}/")
    # Closing before every item is decided is refused with the reason; nothing changes.
    click_and_wait(ops, f"form[action$='/review/board/{session.pk}/close/'] button")
    assert ops.locator("#close-error").count() == 1, main_text(ops)
    session.refresh_from_db()
    assert session.closed_at is None
    ops.select_option(f"#outcome-{decision.pk}", "approved")
    ops.fill(f"#grant_rub-{decision.pk}", str(GRANT))
    ops.fill(f"#reasons-{decision.pk}", "Above the funding line; unanimous.")
    click_and_wait(ops, f"form[action$='/items/{decision.pk}/decide/'] button")
    assert "The decision is recorded and the applicant is told." in success_message(ops)
    assert walk.state() == "approved"
    click_and_wait(ops, f"form[action$='/review/board/{session.pk}/close/'] button")
    assert "The session is closed; the minutes are sent to the members." in success_message(ops)
    session.refresh_from_db()
    assert session.closed_at is not None and session.minutes_document_id

    follow_notification(board, "Sign the minutes")
    assert board.url.endswith(f"/documents/{session.minutes_document_id}/")
    axe_check(board, "documents: the minutes to sign")
    assert "is waiting for your signature" in main_text(board)
    sign_with_password(board)
    assert "You signed the document." in success_message(board)
    board.goto(f"/review/board/{session.pk}/")
    assert "Signed by every board member" in main_text(board)

    # The lead is told; the expert, external, never sees the outcome.
    lead = walk.lead
    follow_notification(lead, f"The board's decision on application {walk.application.number}")
    assert lead.locator("[data-state]").first.get_attribute("data-state") == "approved"
    walk.reviewer.goto("/review/")
    click_and_wait(walk.reviewer, "main table a[href^='/review/assignments/']")
    assert "Approved" not in main_text(walk.reviewer)


# --- 7. the grant agreement --------------------------------------------------------------------


def sign_the_agreement(walk: Walk) -> None:
    from innocluster.projects.models import Project

    application = walk.application
    ops = walk.ops
    ops.goto(f"/manage/applications/{application.pk}/")
    assert ops.locator("#application-state").inner_text() == "Approved"
    axe_check(ops, "back office: an approved application")
    click_and_wait(ops, f"form[action='/projects/prepare/{application.pk}/'] button")
    assert "The grant agreement is prepared and sent to the lead to sign." in success_message(ops)
    project = walk.project = Project.objects.get(application=application)
    assert ops.url.endswith(f"/projects/{project.pk}/")
    assert badge(ops) == "Agreement being signed"
    assert project.grant_rub == GRANT
    axe_check(ops, "project: the agreement being signed (operator)")
    agreement = project.agreements.get(kind="main")

    lead = walk.lead
    follow_notification(lead, "waits for your signature")
    assert lead.url.endswith(f"/documents/{agreement.document_id}/")
    sign_with_password(lead)
    assert "You signed the document." in success_message(lead)

    # The Fund's signatory finds the agreement on the project's page (no notification tells
    # them: reported) and countersigns it.
    fund = walk.fund
    fund.goto(f"/projects/{project.pk}/")
    click_and_wait(fund, f"a[href='/documents/{agreement.document_id}/']")
    axe_check(fund, "documents: the agreement to countersign")
    countersign_for_the_fund(fund)
    assert "You countersigned the document for the Fund." in success_message(fund)
    assert walk.state() == "in_implementation"

    follow_notification(lead, "is in force")
    assert lead.url.endswith(f"/projects/{project.pk}/")
    assert badge(lead) == "In implementation"
    assert "In force" in lead.locator("table[aria-labelledby=agreements-heading]").inner_text()
    axe_check(lead, "project: in implementation (lead)")


# --- 8. the milestones -------------------------------------------------------------------------


def report_each_milestone(walk: Walk) -> None:
    from innocluster.projects.models import MilestoneReport

    project, lead, ops, fund = walk.project, walk.lead, walk.ops, walk.fund
    milestones = list(walk.application.milestones.order_by("number"))
    for milestone, values in zip(milestones, REPORTED, strict=True):
        first = milestone.number == 1
        report_url = f"/projects/{project.pk}/reports/{milestone.pk}/"
        lead.goto(f"/projects/{project.pk}/")
        click_and_wait(lead, f"a[href='{report_url}']")
        lead.fill("#id_summary", f"{milestone.title}: done as planned.")
        for code, value in values.items():
            lead.fill(f"#id_kpi_{code}", value)
        if first:
            axe_check(lead, "project: the report form")
        click_and_wait(lead, "button[name=action][value=submit]")
        assert "The report is submitted to the Fund." in success_message(lead)
        assert "The report is with the Fund." in main_text(lead)

        follow_notification(ops, "waits for acceptance")
        assert ops.url.endswith(report_url)
        if first:
            axe_check(ops, "project: a report to accept (operator)")
        click_and_wait(ops, f"form[action='{report_url}accept/'] button")
        assert ops.locator(".error-summary").count() == 0, main_text(ops)
        report = MilestoneReport.objects.get(project=project, milestone=milestone)
        assert report.act_document_id and report.state == "submitted"
        assert "The act of acceptance is on its route." in main_text(ops)

        follow_notification(fund, "waits for the Fund's signature")
        assert fund.url.endswith(f"/documents/{report.act_document_id}/")
        countersign_for_the_fund(fund)
        assert "You countersigned the document for the Fund." in success_message(fund)
        report.refresh_from_db()
        assert report.state == "accepted"

        # The tranche is payable: the operator records its payment.
        tranche = project.tranches.get(milestone=milestone)
        ops.goto(f"/projects/{project.pk}/")
        ops.fill(f"#id_pay-{tranche.pk}-reference", f"PO-{milestone.number}")
        click_and_wait(ops, f"form[action$='/tranches/{tranche.pk}/pay/'] button")
        assert "The payment is recorded." in success_message(ops)
        if first:
            assert badge(ops) == "In implementation"
            axe_check(ops, "project: a milestone accepted and paid (operator)")

    assert walk.state() == "completed"
    follow_notification(lead, "is accepted")
    assert badge(lead) == "Implemented"
    kpis = lead.locator("table[aria-labelledby=kpis-heading] tbody tr", has_text="Jobs created")
    assert kpis.locator("td").all_inner_texts() == ["12", "12"]  # target, achieved (5 + 7)
    axe_check(lead, "project: implemented (lead)")

    # The partner's signatory follows the project too, and reads its reports, but only the
    # lead reports.
    partner = walk.people(walk.consortium.partner_signatory)
    partner.goto("/projects/")
    row = partner.locator("main table tbody tr", has_text=walk.application.title)
    assert "Implemented" in row.inner_text()
    axe_check(partner, "projects: the list (partner)")
    click_and_wait(partner, f"main table tbody a[href='/projects/{project.pk}/']")
    click_and_wait(partner, f"a[href='/projects/{project.pk}/reports/{milestones[0].pk}/']")
    assert "done as planned" in main_text(partner)
    assert partner.locator("#id_summary").count() == 0


# --- 9. the KPIs -------------------------------------------------------------------------------


def the_kpis_count_it(walk: Walk) -> None:
    ops = walk.ops
    ops.goto("/manage/kpis/")
    cards = {
        card.locator("dt").inner_text(): card.locator("dd").inner_text()
        for card in ops.locator(".kpi-cards .card").all()
    }
    # Numbers as English writes them.
    assert cards["Implemented projects"] == "1", cards
    assert cards["In implementation"] == "0", cards
    assert cards["Jobs created"] == "12", cards
    assert cards["Taxes paid, RUB"] == "4,000,000", cards
    assert cards["Payback ratio (taxes per rouble of grant paid)"] == "1.33", cards
    assert cards["Approval rate"] == "100.0 %", cards
    project_row = ops.locator("table tbody tr", has_text=walk.application.title)
    assert project_row.locator("td").first.inner_text() == "1"  # implemented
    axe_check(ops, "KPI dashboard")

    response = ops.request.get("/api/v1/kpis")
    assert response.status == 200, response.text()
    overall = json.loads(response.text())["rows"][0]
    assert overall["implemented_projects"] == 1, overall
    assert overall["projects_in_implementation"] == 0, overall
    assert Decimal(overall["results"]["jobs"]) == 12
    assert Decimal(overall["results"]["revenue_rub"]) == Decimal("50000000")
    assert Decimal(overall["results"]["taxes_rub"]) == Decimal("4000000")
    assert Decimal(overall["grant_paid_rub"]) == GRANT
    response = ops.request.get(f"/api/v1/kpis?group=call&call={walk.call.code}")
    assert json.loads(response.text())["rows"][0]["implemented_projects"] == 1


def the_pages_again_in_russian(walk: Walk) -> None:
    """The walk's pages of the Fund, the expert and the board once more, in Russian, the
    portal's default language: axe-core again, and the page says it is Russian."""
    from innocluster.review.models import Assignment

    assignment = Assignment.objects.get(application=walk.application)
    visits = [
        (walk.ops, f"/manage/applications/{walk.application.pk}/"),
        (walk.ops, f"/review/calls/{walk.call.code}/"),
        (walk.ops, f"/review/calls/{walk.call.code}/ranking/"),
        (walk.ops, f"/review/board/{walk.session.pk}/"),
        (walk.ops, f"/projects/{walk.project.pk}/"),
        (walk.ops, "/manage/kpis/"),
        (walk.reviewer, f"/review/assignments/{assignment.pk}/"),
        (walk.board, "/review/board/"),
    ]
    for page, url in visits:
        use_language(page, "ru")
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "ru"
        axe_check(page, f"{url} (ru)")


def test_a_call_runs_from_its_opening_to_an_implemented_project(browser, live_url):
    from innocluster.documents.fund import add_fund_signatory
    from tests.accounts.factories import FundOperatorFactory
    from tests.programmes.factories import person
    from tests.registry.factories import MemberOrganisationFactory
    from tests.review.board_factories import board_member
    from tests.review.factories import ExpertFactory

    director = FundOperatorFactory(full_name="Director of the Fund")
    add_fund_signatory(director)
    walk = Walk(
        people=Cast(browser, live_url, language="en"),
        operator=FundOperatorFactory(full_name="Operator of the Fund"),
        director=director,
        consortium=Consortium.make(),
        expert=ExpertFactory(user__full_name="Expert in digital twins"),
        member=board_member(full_name="Member of the Board"),
    )
    try:
        open_the_call(walk)  # 1
        walk.application = apply_as_consortium(  # 2
            walk.lead,
            walk.people(walk.consortium.partner_signatory),
            walk.call,
            walk.consortium,
            language="en",
        )
        assert walk.application.number
        screen_and_assign(walk)  # 3
        review(walk)  # 4
        convene_the_board(walk)  # 5
        the_board_decides(walk)  # 6
        sign_the_agreement(walk)  # 7
        report_each_milestone(walk)  # 8
        the_kpis_count_it(walk)  # 9
        the_pages_again_in_russian(walk)

        # Everyone who had to act was told by e-mail too.
        told = {address for message in mail.outbox for address in message.to}
        everyone = [
            walk.operator,
            walk.director,
            walk.consortium.signatory,
            walk.consortium.partner_signatory,
            walk.expert.user,
            walk.member,
        ]
        assert {user.email for user in everyone} <= told, told

        # A member of another organisation sees nothing of the project.
        outsider = walk.people(person(MemberOrganisationFactory(), "owner"))
        assert outsider.goto(f"/projects/{walk.project.pk}/").status == 404
        assert outsider.goto(f"/applications/{walk.application.pk}/").status == 404
    finally:
        walk.people.close()
