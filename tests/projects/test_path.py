"""The whole path in services: an approved application -> the grant agreement signed by the lead
and the Fund -> milestone reports -> acts of acceptance -> implemented; and the other endings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from innocluster.core.audit import history_of
from innocluster.core.errors import Conflict
from innocluster.core.models import Notification
from innocluster.documents import storage
from innocluster.documents.models import Document
from innocluster.documents.services import reject
from innocluster.projects import selectors, services
from innocluster.projects.models import Project
from innocluster.review.models import BoardDecision, BoardSession
from tests.projects.factories import (
    main_agreement,
    milestones,
    sign_by_fund,
    sign_by_lead,
    submitted_report,
)

pytestmark = pytest.mark.django_db


def test_from_approval_to_an_implemented_project(team, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        project = services.prepare_agreement(team.application, actor=team.operator)
    team.application.refresh_from_db()
    assert team.application.state == "agreement"
    assert project.grant_rub == Decimal("3000000.00")  # the budget's grant: no board grant
    assert project.cofinancing_rub == Decimal("1000000.00")
    assert [(t.milestone.number, t.amount_rub, t.state) for t in project.tranches.all()] == [
        (1, Decimal("1500000.00"), "planned"),
        (2, Decimal("1500000.00"), "planned"),
    ]
    agreement = main_agreement(project)
    document = Document.objects.get(pk=agreement.document_id)
    assert document.doc_type == "grant_agreement" and document.status == "sent"
    assert document.registration_number.startswith("AG-")
    assert storage.get(document.current_version.sha256).startswith(b"%PDF-")
    route = list(document.steps.order_by("order").values_list("organisation_id", "order"))
    assert route[0] == (team.lead.pk, 1) and route[1][1] == 2
    assert set(document.links.values_list("object_type", flat=True)) >= {
        "projects.agreement",
        "projects.project",
    }
    # The lead's people hear that the agreement waits for them, in the portal and by e-mail.
    waiting = Notification.objects.filter(kind="project.agreement_to_sign")
    assert {n.recipient_id for n in waiting} >= {team.signatory.pk, team.editor.pk}
    assert waiting.first().url == f"/documents/{document.pk}/"
    assert any(team.signatory.email in m.to for m in mail.outbox)

    # Only the lead's signature: still being signed.
    sign_by_lead(team, agreement.document_id, capture)
    team.application.refresh_from_db()
    assert team.application.state == "agreement"
    sign_by_fund(team, agreement.document_id, capture)
    project.refresh_from_db()
    agreement.refresh_from_db()
    team.application.refresh_from_db()
    assert agreement.state == "in_force" and agreement.signed_at is not None
    assert team.application.state == "in_implementation"
    assert project.started_on is not None
    assert Notification.objects.filter(kind="project.started", recipient=team.editor).exists()

    first, last = milestones(project)
    report = submitted_report(team, project, first, jobs="4", revenue_rub="1000000")
    assert report.state == "submitted" and not report.is_final
    assert Notification.objects.filter(
        kind="project.report_submitted", recipient=team.operator
    ).exists()
    act = services.accept_report(report, actor=team.operator)
    assert act.doc_type == "acceptance_act" and act.registration_number.startswith("AA-")
    report.refresh_from_db()
    assert report.state == "submitted" and report.act_document_id == act.pk
    sign_by_fund(team, act.pk, capture)
    report.refresh_from_db()
    assert report.state == "accepted" and report.accepted_at is not None
    tranche = project.tranches.get(milestone=first)
    assert tranche.state == "payable"
    services.record_payment(tranche, actor=team.operator, reference="П/п 17 от 01.12.2026")
    tranche.refresh_from_db()
    assert tranche.state == "paid" and tranche.paid_at is not None

    final = submitted_report(team, project, last, jobs="6", patents="1")
    assert final.is_final
    act = services.accept_report(final, actor=team.operator)
    sign_by_fund(team, act.pk, capture)
    project.refresh_from_db()
    team.application.refresh_from_db()
    assert team.application.state == "completed"
    assert project.completed_at is not None
    assert project.tranches.get(milestone=last).state == "payable"
    kpis = {row["kpi"]: (row["target"], row["actual"]) for row in selectors.project_kpis(project)}
    assert kpis["jobs"] == (Decimal("12.00"), Decimal("10.00"))
    assert kpis["revenue_rub"] == (Decimal("50000000.00"), Decimal("1000000.00"))
    assert kpis["patents"] == (None, Decimal("1.00"))
    actions = [e.action for e in history_of(project)]
    assert "project.completed" in actions and "project.agreement_prepared" in actions
    moves = [e.action for e in history_of(team.application) if e.action.startswith("application.")]
    assert moves[:3] == [
        "application.complete",
        "application.start_implementation",
        "application.prepare_agreement",
    ]


def test_the_grant_is_the_boards_when_it_names_one(team):
    session = BoardSession.objects.create(call=team.call, held_on="2026-11-20")
    BoardDecision.objects.create(
        session=session,
        application=team.application,
        position=1,
        outcome="approved",
        grant_rub=Decimal("2500000.00"),
    )
    project = services.prepare_agreement(team.application, actor=team.operator)
    assert project.grant_rub == Decimal("2500000.00")
    # The tranches (1,500,000 each as applied for) are cut in proportion to the grant.
    amounts = list(project.tranches.order_by("due_on").values_list("amount_rub", flat=True))
    assert amounts == [Decimal("1250000.00"), Decimal("1250000.00")]


def test_tranche_amounts_never_exceed_the_grant():
    from innocluster.projects.services.agreements import tranche_amounts

    d = Decimal
    assert tranche_amounts([d("100"), d("200")], d("1000")) == [d("100"), d("200")]
    cut = tranche_amounts([d("100.00"), d("100.00"), d("100.00")], d("100.00"))
    assert cut == [d("33.33"), d("33.33"), d("33.34")] and sum(cut) == d("100.00")


def test_a_refused_agreement_tells_the_fund_and_may_be_issued_again(
    team, django_capture_on_commit_callbacks
):
    project = services.prepare_agreement(team.application, actor=team.operator)
    agreement = main_agreement(project)
    document = Document.objects.get(pk=agreement.document_id)
    with django_capture_on_commit_callbacks(execute=True):
        reject(document, team.signatory, "Сумма гранта не та")
    agreement.refresh_from_db()
    assert agreement.state == "refused"
    told = Notification.objects.get(kind="project.agreement_refused", recipient=team.operator)
    assert "Сумма гранта не та" in told.body_ru
    team.application.refresh_from_db()
    assert team.application.state == "agreement"
    services.prepare_agreement(team.application, actor=team.operator)
    assert project.agreements.filter(kind="main").count() == 2
    assert main_agreement(project).state == "signing"


def test_a_terminated_project_ends_with_reasons_told_to_the_consortium(team, project):
    with translation.override("en"):
        services.terminate(project, actor=team.operator, reason="Работы не ведутся")
    project.refresh_from_db()
    project.application.refresh_from_db()
    assert project.application.state == "terminated"
    assert project.terminated_at is not None
    assert project.termination_reason == "Работы не ведутся"
    told = set(
        Notification.objects.filter(kind="project.terminated").values_list(
            "recipient_id", flat=True
        )
    )
    assert {team.editor.pk, team.signatory.pk, team.partner_signatory.pk} <= told
    event = history_of(project.application).first()
    assert (event.action, event.summary) == ("application.terminate", "Работы не ведутся")


def test_a_project_being_signed_may_be_terminated_and_its_agreement_is_withdrawn(
    team, django_capture_on_commit_callbacks
):
    project = services.prepare_agreement(team.application, actor=team.operator)
    agreement = main_agreement(project)
    services.terminate(project, actor=team.operator, reason="Консорциум распался")
    with pytest.raises(Conflict):  # nobody is asked to sign it any more
        sign_by_lead(team, agreement.document_id, django_capture_on_commit_callbacks)
    project.refresh_from_db()
    project.application.refresh_from_db()
    agreement.refresh_from_db()
    assert project.application.state == "terminated"
    assert agreement.state == "withdrawn" and project.started_on is None
    withdrawn = Document.objects.get(pk=agreement.document_id)
    assert (withdrawn.status, withdrawn.status_reason) == ("revoked", "Консорциум распался")


def test_a_supplementary_agreement_applies_only_once_signed(
    team, project, django_capture_on_commit_callbacks
):
    first, last = milestones(project)
    tranche = project.tranches.get(milestone=last)
    new_due = tranche.due_on.replace(year=tranche.due_on.year + 1)
    agreement = services.propose_supplementary(
        project,
        {
            "milestones": [
                {"id": str(last.pk), "due_on": new_due.isoformat(), "tranche_rub": "1400000"}
            ]
        },
        actor=team.operator,
        reason="Сдвиг поставки оборудования",
    )
    assert agreement.kind == "supplementary" and agreement.sequence == 1
    document = Document.objects.get(pk=agreement.document_id)
    assert document.doc_type == "supplementary_agreement"
    assert Notification.objects.filter(
        kind="project.supplementary_to_sign", recipient=team.signatory
    ).exists()
    tranche.refresh_from_db()
    assert tranche.amount_rub == Decimal("1500000.00")  # nothing changes before signing
    sign_by_lead(team, agreement.document_id, django_capture_on_commit_callbacks)
    tranche.refresh_from_db()
    assert tranche.due_on != new_due
    sign_by_fund(team, agreement.document_id, django_capture_on_commit_callbacks)
    tranche.refresh_from_db()
    agreement.refresh_from_db()
    assert agreement.state == "in_force"
    assert (tranche.due_on, tranche.amount_rub) == (new_due, Decimal("1400000.00"))
    event = history_of(project).filter(action="project.supplementary_in_force").get()
    assert event.before["milestones"][0]["amount_rub"] == "1500000.00"
    assert event.after["milestones"][0]["amount_rub"] == "1400000.00"
    # The application stays as it was submitted.
    last.refresh_from_db()
    assert last.tranche_rub == Decimal("1500000.00")


def test_a_refused_act_leaves_the_report_submitted_for_another_try(
    team, project, django_capture_on_commit_callbacks
):
    first, _last = milestones(project)
    report = submitted_report(team, project, first)
    act = services.accept_report(report, actor=team.operator)
    with django_capture_on_commit_callbacks(execute=True):
        reject(act, team.fund_signer, "Не приложены доказательства")
    report.refresh_from_db()
    assert report.state == "submitted" and report.act_document_id is None
    assert project.tranches.get(milestone=first).state == "planned"
    assert Notification.objects.filter(kind="project.act_refused").exists()
    services.return_report(report, actor=team.operator, reason="Приложите протокол испытаний")
    report.refresh_from_db()
    assert report.state == "returned"
    assert Notification.objects.filter(
        kind="project.report_returned", recipient=team.editor
    ).exists()
    # The lead revises and submits again.
    services.save_report(
        project,
        first,
        actor=team.editor,
        summary="Прототип, протокол приложен",
        kpi_values={"jobs": 3},
        expected_version=report.version,
    )
    report.refresh_from_db()
    services.submit_report(report, actor=team.signatory)
    report.refresh_from_db()
    assert report.state == "submitted" and report.return_reason == ""


def test_evidence_is_stored_by_its_content(team, project):
    first, _last = milestones(project)
    report = services.save_report(
        project, first, actor=team.editor, summary="", kpi_values={}, expected_version=0
    )
    evidence = services.add_evidence(report, "протокол.pdf", b"%PDF-1.4 test", actor=team.editor)
    assert storage.get(evidence.sha256) == b"%PDF-1.4 test"
    assert evidence.media_type == "application/pdf" and evidence.size == 13


def test_visible_to(team, project):
    from tests.accounts.factories import UserFactory
    from tests.programmes.factories import person
    from tests.registry.factories import MemberOrganisationFactory

    assert list(Project.objects.visible_to(team.operator)) == [project]
    assert list(Project.objects.visible_to(team.editor)) == [project]
    assert list(Project.objects.visible_to(team.partner_signatory)) == [project]
    assert list(Project.objects.visible_to(person(MemberOrganisationFactory()))) == []
    assert list(Project.objects.visible_to(UserFactory())) == []
