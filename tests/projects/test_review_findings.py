"""Findings of the projects review: a terminated project's documents stop asking their signers;
a tranche under a pending supplementary agreement is not accepted meanwhile; uploads read at most
the limit; a missing stored file answers 503; a report body must be a JSON object; the XLSX
export keeps exact amounts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation

from innocluster.projects.models import Project
from tests.projects.factories import milestones, project_state, submitted_report

pytestmark = pytest.mark.django_db


def test_the_xlsx_export_keeps_exact_amounts(client, team, project):
    from openpyxl import load_workbook

    Project.objects.filter(pk=project.pk).update(grant_rub=Decimal("1234567890123.45"))
    client.force_login(team.operator)
    response = client.get("/projects/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    grant = sheet.cell(2, 7)
    # A number to the kopeck, shown as roubles and kopecks, as the applications' export does.
    assert Decimal(str(grant.value)) == Decimal("1234567890123.45")
    assert grant.number_format == "#,##0.00"
    assert sheet.cell(2, 9).number_format == "#,##0.00"  # tranches paid: 0.00, still money


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "7"])
def test_a_report_body_that_is_not_a_json_object_is_refused(client, team, project, body):
    first, _ = milestones(project)
    before = project_state(project)
    client.force_login(team.editor)
    response = client.post(
        f"/api/v1/projects/{project.pk}/reports/{first.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("body", "invalid_json")
    ]
    assert project_state(project) == before  # no empty draft


@pytest.fixture
def evidence_reads(monkeypatch, settings):
    """The evidence's size limit lowered to 10 bytes; each upload's bytes as the service got
    them."""
    from innocluster.projects import services

    settings.DOCUMENT_MAX_BYTES = 10
    original = services.add_evidence
    seen: list[int] = []

    def spy(report, filename, content, *, actor):
        seen.append(len(content))
        return original(report, filename, content, actor=actor)

    monkeypatch.setattr(services, "add_evidence", spy)
    return seen


def test_a_page_upload_is_read_only_one_byte_past_the_limit(
    client, settings, team, project, evidence_reads
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, _ = milestones(project)
    before = project_state(project)
    client.force_login(team.editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.post(
            f"/projects/{project.pk}/reports/{first.pk}/evidence/",
            {"file": SimpleUploadedFile("big.pdf", b"x" * 1000)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 422
    assert "The file is larger than 10 bytes." in response.content.decode()
    assert evidence_reads == [11]
    assert project_state(project) == before


def test_an_api_upload_is_read_only_one_byte_past_the_limit(client, team, project, evidence_reads):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, _ = milestones(project)
    before = project_state(project)
    client.force_login(team.editor)
    response = client.post(
        f"/api/v1/projects/{project.pk}/reports/{first.pk}/evidence",
        {"file": SimpleUploadedFile("big.pdf", b"x" * 1000)},
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("content", "too_large")
    ]
    assert evidence_reads == [11]
    assert project_state(project) == before


def test_a_missing_evidence_file_answers_503(client, team, project):
    from innocluster.documents import storage
    from innocluster.projects import services

    first, _ = milestones(project)
    report = services.save_report(
        project, first, actor=team.editor, summary="", kpi_values={}, expected_version=0
    )
    evidence = services.add_evidence(report, "акт.pdf", b"%PDF-1.4 lost", actor=team.editor)
    storage.path_for(evidence.sha256).unlink()
    client.force_login(team.editor)
    response = client.get(f"/projects/{project.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 503


def _supplementary(team, project, milestone, **change):
    from innocluster.projects import services

    return services.propose_supplementary(
        project,
        {"milestones": [{"id": str(milestone.pk), **change}]},
        actor=team.operator,
        reason="Перераспределение траншей",
    )


def test_a_report_is_not_accepted_while_its_tranche_is_being_changed(
    client, settings, team, project, django_capture_on_commit_callbacks
):
    from innocluster.core.errors import Conflict
    from innocluster.documents.models import Document
    from innocluster.projects import services
    from tests.projects.factories import sign_by_fund, sign_by_lead

    first, last = milestones(project)
    report = submitted_report(team, project, first)
    agreement = _supplementary(team, project, first, tranche_rub="1400000")
    number = Document.objects.get(pk=agreement.document_id).registration_number
    before = project_state(project)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.accept_report(report, actor=team.operator)
    assert refused.value.code == "tranche_change_pending"
    assert number in refused.value.message and "Supplementary agreement" in refused.value.message
    assert project_state(project) == before
    # The page says why instead of offering to accept; the report may still be returned.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(team.operator)
    html = client.get(f"/projects/{project.pk}/reports/{first.pk}/").content.decode()
    assert number in html and "Accept the report" not in html
    assert "Return the report" in html
    response = client.post(f"/projects/{project.pk}/reports/{first.pk}/accept/")
    assert response.status_code == 409 and number in response.content.decode()
    response = client.post(f"/api/v1/projects/{project.pk}/reports/{first.pk}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "tranche_change_pending"
    assert project_state(project) == before
    # Another milestone's report is not held up; once signed, the new amount applies whole.
    sign_by_lead(team, agreement.document_id, django_capture_on_commit_callbacks)
    sign_by_fund(team, agreement.document_id, django_capture_on_commit_callbacks)
    assert project.tranches.get(milestone=first).amount_rub == Decimal("1400000.00")
    assert services.accept_report(report, actor=team.operator).status == "sent"


def test_a_date_only_change_does_not_hold_up_the_acceptance(team, project):
    from innocluster.projects import services

    first, _ = milestones(project)
    report = submitted_report(team, project, first)
    tranche = project.tranches.get(milestone=first)
    _supplementary(
        team,
        project,
        first,
        due_on=tranche.due_on.replace(year=tranche.due_on.year + 1).isoformat(),
    )
    assert services.accept_report(report, actor=team.operator).status == "sent"


def test_a_tranche_whose_act_is_on_its_route_cannot_be_changed(team, project):
    from innocluster.core.errors import ValidationFailed
    from innocluster.projects import services

    first, _ = milestones(project)
    report = submitted_report(team, project, first)
    services.accept_report(report, actor=team.operator)
    before = project_state(project)
    with pytest.raises(ValidationFailed) as refused:
        _supplementary(team, project, first, tranche_rub="1400000")
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("changes.milestones[0].tranche_rub", "act_pending")
    ]
    assert project_state(project) == before


@pytest.fixture
def revocable_on_route(monkeypatch):
    """Document circulation lets the sender (the Fund) revoke a document on its signing route.
    The table gains the transitions here only while documents/workflows.py lacks them."""
    from innocluster.documents import workflows
    from innocluster.documents.choices import IN_FLIGHT_STATUSES, DocumentStatus
    from innocluster.documents.permissions import may_manage_document

    missing = [
        workflows.Transition(
            source, DocumentStatus.REVOKED, "revoke", may_manage_document, needs_reason=True
        )
        for source in IN_FLIGHT_STATUSES
        if workflows.find_transition(source, DocumentStatus.REVOKED) is None
    ]
    monkeypatch.setattr(workflows, "TRANSITIONS", [*workflows.TRANSITIONS, *missing])


def _refused_signature(team, document_id):
    from innocluster.core.errors import Conflict
    from innocluster.documents.models import Document
    from innocluster.documents.signing import sign_simple
    from tests.accounts.factories import PASSWORD

    with pytest.raises(Conflict) as refused:
        sign_simple(Document.objects.get(pk=document_id), team.signatory, password=PASSWORD)
    return refused.value.code


def test_terminating_revokes_the_agreement_waiting_for_its_signers(
    client, settings, team, revocable_on_route
):
    from innocluster.documents.models import Document
    from innocluster.projects import services

    project = services.prepare_agreement(team.application, actor=team.operator)
    agreement = project.agreements.get()
    services.terminate(project, actor=team.operator, reason="Консорциум распался")
    document = Document.objects.get(pk=agreement.document_id)
    assert document.status == "revoked" and document.status_reason == "Консорциум распался"
    agreement.refresh_from_db()
    assert agreement.state == "withdrawn"
    assert _refused_signature(team, agreement.document_id) == "not_signable"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(team.signatory)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "waits for the signature" not in html and "Withdrawn" in html


def test_terminating_revokes_the_supplementary_agreement_and_the_act_on_their_route(
    team, project, revocable_on_route, django_capture_on_commit_callbacks
):
    from innocluster.core.models import AuditEvent
    from innocluster.documents.models import Document
    from innocluster.projects import services
    from tests.projects.factories import sign_by_lead

    first, last = milestones(project)
    main = project.agreements.get(kind="main")
    act = services.accept_report(submitted_report(team, project, first), actor=team.operator)
    tranche = project.tranches.get(milestone=last)
    supplementary = _supplementary(
        team, project, last, due_on=tranche.due_on.replace(year=tranche.due_on.year + 1).isoformat()
    )
    sign_by_lead(team, supplementary.document_id, django_capture_on_commit_callbacks)
    services.terminate(project, actor=team.operator, reason="Нецелевое использование")
    statuses = dict(
        Document.objects.filter(
            pk__in=[main.document_id, supplementary.document_id, act.pk]
        ).values_list("pk", "status")
    )
    assert statuses == {
        main.document_id: "signed",  # in force: it stays as signed
        supplementary.document_id: "revoked",
        act.pk: "revoked",
    }
    supplementary.refresh_from_db()
    assert supplementary.state == "withdrawn"
    assert project.reports.get().act_document_id is None
    event = AuditEvent.objects.get(action="project.terminated")
    assert sorted(event.after["revoked_documents"]) == sorted(
        Document.objects.filter(status="revoked").values_list("registration_number", flat=True)
    )
