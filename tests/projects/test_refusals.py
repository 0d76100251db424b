"""Every refusal says why and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.programmes.models import Application
from innocluster.projects import services
from tests.programmes.factories import person
from tests.projects.factories import (
    approved,
    main_agreement,
    milestones,
    project_state,
    sign_by_fund,
    submitted_report,
)

pytestmark = pytest.mark.django_db


def fields_of(exc) -> dict:
    return {e.field: e.code for e in exc.errors}


def save(project, milestone, *, actor, **fields):
    """``services.save_report`` of a new report (summary "x", no KPI values), ``fields``
    overriding."""
    values = {"summary": "x", "kpi_values": {}, "expected_version": 0, **fields}
    return services.save_report(project, milestone, actor=actor, **values)


def refused(project, exc_type, call):
    """Run ``call``; it must raise ``exc_type`` and leave the project as it was."""
    before = project_state(project)
    with pytest.raises(exc_type) as caught, translation.override("en"):
        call()
    assert project_state(project) == before
    return caught.value


# --- preparing the agreement -------------------------------------------------------------------


def test_only_the_fund_prepares_an_agreement(team):
    with pytest.raises(NotPermitted):
        services.prepare_agreement(team.application, actor=team.signatory)
    team.application.refresh_from_db()
    assert team.application.state == "approved" and not hasattr(team.application, "project")


def test_an_agreement_only_for_an_approved_application_and_once(team):
    draft = team.new_application(title="Другой проект")
    with pytest.raises(Conflict) as caught:
        services.prepare_agreement(draft, actor=team.operator)
    assert caught.value.code == "not_approved"
    assert Application.objects.get(pk=draft.pk).state == "draft"
    project = services.prepare_agreement(team.application, actor=team.operator)
    error = refused(
        project,
        Conflict,
        lambda: services.prepare_agreement(team.application, actor=team.operator),
    )
    assert error.code == "agreement_pending"


# --- reports -----------------------------------------------------------------------------------


def test_no_report_before_the_agreement_is_in_force(team):
    project = services.prepare_agreement(team.application, actor=team.operator)
    first, _ = milestones(project)
    error = refused(
        project,
        Conflict,
        lambda: save(project, first, actor=team.editor),
    )
    assert error.code == "not_in_implementation"


def test_bad_kpi_values_are_named(team, project):
    first, _ = milestones(project)
    error = refused(
        project,
        ValidationFailed,
        lambda: save(
            project,
            first,
            actor=team.editor,
            summary="Сделано",
            kpi_values={
                "jobs": "-1",
                "revenue_rub": "много",
                "smiles": 3,
                "patents": True,
                "products": "1.5",
                "taxes_rub": "10.005",
            },
        ),
    )
    assert fields_of(error) == {
        "kpi_values.jobs": "negative",
        "kpi_values.revenue_rub": "not_a_number",
        "kpi_values.smiles": "unknown_kpi",
        "kpi_values.patents": "not_a_number",
        "kpi_values.products": "not_whole",
        "kpi_values.taxes_rub": "too_precise",
    }
    error = refused(
        project,
        ValidationFailed,
        lambda: save(project, first, actor=team.editor, kpi_values=["jobs"]),
    )
    assert fields_of(error) == {"kpi_values": "type"}


def test_a_milestone_of_another_application_is_refused(team, project):
    other = approved(team)
    error = refused(
        project,
        ValidationFailed,
        lambda: save(project, other.milestones.first(), actor=team.editor),
    )
    assert fields_of(error) == {"milestone": "unknown"}


def test_only_the_leads_people_report(team, project):
    first, _ = milestones(project)
    for outsider in (team.partner_signatory, team.operator, person(team.lead, "viewer")):
        refused(
            project,
            NotPermitted,
            lambda outsider=outsider: save(project, first, actor=outsider),
        )


def test_a_stale_edit_is_refused_with_a_clear_message(team, project):
    first, _ = milestones(project)
    report = save(project, first, actor=team.editor, summary="Первая")
    save(
        project,
        first,
        actor=team.signatory,
        summary="Вторая",
        kpi_values={"jobs": 2},
        expected_version=report.version,
    )
    error = refused(
        project,
        Conflict,
        lambda: save(
            project,
            first,
            actor=team.editor,
            summary="Старая правка",
            expected_version=report.version,
        ),
    )
    assert error.code == "stale_version"
    assert "Someone else saved this report" in str(error.message)
    # A second "new" report on the same milestone is stale too.
    error = refused(
        project,
        Conflict,
        lambda: save(project, first, actor=team.editor),
    )
    assert error.code == "stale_version"


def test_submit_needs_a_summary(team, project):
    first, _ = milestones(project)
    report = save(project, first, actor=team.editor, summary="")
    error = refused(
        project, ValidationFailed, lambda: services.submit_report(report, actor=team.editor)
    )
    assert fields_of(error) == {"summary": "required"}


def test_a_submitted_or_accepted_report_cannot_change(
    team, project, django_capture_on_commit_callbacks
):
    first, _ = milestones(project)
    report = submitted_report(team, project, first)
    edit = lambda: save(project, first, actor=team.editor, expected_version=2)  # noqa: E731
    assert refused(project, Conflict, edit).code == "not_editable"
    assert (
        refused(
            project,
            Conflict,
            lambda: services.add_evidence(report, "a.pdf", b"x", actor=team.editor),
        ).code
        == "not_editable"
    )
    act = services.accept_report(report, actor=team.operator)
    assert (
        refused(project, Conflict, lambda: services.accept_report(report, actor=team.operator)).code
        == "act_pending"
    )
    assert (
        refused(
            project,
            Conflict,
            lambda: services.return_report(report, actor=team.operator, reason="Нет"),
        ).code
        == "act_pending"
    )
    sign_by_fund(team, act.pk, django_capture_on_commit_callbacks)
    error = refused(project, Conflict, edit)
    assert error.code == "already_accepted"
    assert "already accepted" in str(error.message)


def test_accept_and_return_only_by_the_fund_and_only_when_submitted(team, project):
    first, last = milestones(project)
    report = save(project, first, actor=team.editor)
    assert (
        refused(project, Conflict, lambda: services.accept_report(report, actor=team.operator)).code
        == "not_submitted"
    )
    services.submit_report(report, actor=team.editor)
    refused(project, NotPermitted, lambda: services.accept_report(report, actor=team.signatory))
    refused(
        project,
        NotPermitted,
        lambda: services.return_report(report, actor=team.signatory, reason="x"),
    )
    error = refused(
        project,
        ValidationFailed,
        lambda: services.return_report(report, actor=team.operator, reason="  "),
    )
    assert fields_of(error) == {"reason": "required"}
    # The final report waits for the earlier ones.
    final = submitted_report(team, project, last)
    assert (
        refused(project, Conflict, lambda: services.accept_report(final, actor=team.operator)).code
        == "earlier_reports_open"
    )


def test_evidence_checks_its_file(team, project):
    first, _ = milestones(project)
    report = save(project, first, actor=team.editor, summary="")
    error = refused(
        project,
        ValidationFailed,
        lambda: services.add_evidence(report, "../etc/passwd", b"", actor=team.editor),
    )
    assert fields_of(error) == {"filename": "invalid", "content": "required"}


# --- payments ----------------------------------------------------------------------------------


def test_only_a_payable_tranche_is_paid_once(team, project, django_capture_on_commit_callbacks):
    first, _ = milestones(project)
    tranche = project.tranches.get(milestone=first)
    error = refused(
        project,
        Conflict,
        lambda: services.record_payment(tranche, actor=team.operator, reference="П/п 1"),
    )
    assert error.code == "not_payable"
    act = services.accept_report(submitted_report(team, project, first), actor=team.operator)
    sign_by_fund(team, act.pk, django_capture_on_commit_callbacks)
    refused(
        project,
        NotPermitted,
        lambda: services.record_payment(tranche, actor=team.signatory, reference="П/п 1"),
    )
    error = refused(
        project,
        ValidationFailed,
        lambda: services.record_payment(tranche, actor=team.operator, reference=""),
    )
    assert fields_of(error) == {"reference": "required"}
    services.record_payment(tranche, actor=team.operator, reference="П/п 1")
    assert (
        refused(
            project,
            Conflict,
            lambda: services.record_payment(tranche, actor=team.operator, reference="П/п 2"),
        ).code
        == "not_payable"
    )


# --- supplementary agreements ------------------------------------------------------------------


def test_supplementary_changes_are_checked_field_by_field(team, project):
    first, last = milestones(project)
    before_start = (project.started_on - datetime.timedelta(days=1)).isoformat()
    error = refused(
        project,
        ValidationFailed,
        lambda: services.propose_supplementary(
            project,
            {
                "milestones": [
                    {"id": "00000000-0000-0000-0000-000000000000", "due_on": "2030-01-01"},
                    {"id": str(first.pk), "due_on": before_start},
                    {"id": str(last.pk), "tranche_rub": "-5"},
                ]
            },
            actor=team.operator,
            reason="Перенос",
        ),
    )
    assert fields_of(error) == {
        "changes.milestones[0].id": "unknown",
        "changes.milestones[1].due_on": "before_agreement",
        "changes.milestones[2].tranche_rub": "negative",
    }
    error = refused(
        project,
        ValidationFailed,
        lambda: services.propose_supplementary(
            project,
            {"milestones": [{"id": str(last.pk), "tranche_rub": "1500000.01"}]},
            actor=team.operator,
            reason="Увеличение",
        ),
    )
    assert fields_of(error) == {"changes.milestones": "exceeds_grant"}
    error = refused(
        project,
        ValidationFailed,
        lambda: services.propose_supplementary(
            project, {"milestones": []}, actor=team.operator, reason=""
        ),
    )
    assert fields_of(error) == {"reason": "required"}
    refused(
        project,
        NotPermitted,
        lambda: services.propose_supplementary(
            project, {"milestones": []}, actor=team.signatory, reason="x"
        ),
    )


def test_one_supplementary_agreement_at_a_time(team, project):
    _first, last = milestones(project)
    change = {"milestones": [{"id": str(last.pk), "tranche_rub": "1000000"}]}
    services.propose_supplementary(project, change, actor=team.operator, reason="Первое")
    error = refused(
        project,
        Conflict,
        lambda: services.propose_supplementary(
            project, change, actor=team.operator, reason="Второе"
        ),
    )
    assert error.code == "supplementary_pending"


# --- termination -------------------------------------------------------------------------------


def test_termination_needs_the_fund_a_reason_and_a_running_project(team, project):
    refused(
        project, NotPermitted, lambda: services.terminate(project, actor=team.signatory, reason="x")
    )
    error = refused(
        project,
        ValidationFailed,
        lambda: services.terminate(project, actor=team.operator, reason=""),
    )
    assert fields_of(error) == {"reason": "required"}
    services.terminate(project, actor=team.operator, reason="Нарушение сроков")
    error = refused(
        project,
        Conflict,
        lambda: services.terminate(project, actor=team.operator, reason="Ещё раз"),
    )
    assert error.code == "invalid_transition"
    first, _ = milestones(project)
    assert (
        refused(
            project,
            Conflict,
            lambda: save(project, first, actor=team.editor),
        ).code
        == "not_in_implementation"
    )


def test_the_platform_alone_starts_and_completes_a_project(team):
    from innocluster.programmes.services import move

    project = services.prepare_agreement(team.application, actor=team.operator)
    assert main_agreement(project).state == "signing"
    for action in ("start_implementation",):
        with pytest.raises(NotPermitted):
            move(project.application, action, actor=team.operator)
    project.application.refresh_from_db()
    assert project.application.state == "agreement"


def test_a_bare_workflow_move_cannot_skip_the_project(team, project):
    """The back office's generic moves go through the same table: preparing an agreement or
    terminating without the project's own service is refused, and says where to do it."""
    from innocluster.programmes import workflows
    from innocluster.programmes.services import move

    other = approved(team)
    with pytest.raises(Conflict) as caught, translation.override("en"):
        move(other, "prepare_agreement", actor=team.operator)
    assert caught.value.code == "guard_failed" and "its own button" in str(caught.value.message)
    assert Application.objects.get(pk=other.pk).state == "approved"
    allowed, why = workflows.can_do(team.operator, project.application, "terminate")
    assert not allowed and why
    error = refused(
        project,
        Conflict,
        lambda: move(project.application, "terminate", actor=team.operator, reason="Стоп"),
    )
    assert error.code == "guard_failed"
