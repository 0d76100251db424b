"""Builders for the projects tests: an approved application with its budget, milestones and KPI
targets; a project with its agreement signed; signing helpers for the lead and the Fund."""

from __future__ import annotations

import datetime

from django.utils import timezone

from innocluster.core.models import AuditEvent
from innocluster.documents.fund import add_fund_signatory
from innocluster.documents.models import Document
from innocluster.documents.signing import countersign_as_fund, sign_simple
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.projects import services
from innocluster.projects.models import Agreement, MilestoneReport, Project, Tranche
from tests.accounts.factories import PASSWORD, FundOperatorFactory, UserFactory
from tests.programmes.factories import Team, confirm_partners_directly, fill_in

_seq = {"n": 0}


class ProjectTeam(Team):
    """A Team (lead with editor and signatory, a partner with its signatory) plus the Fund's
    operator and signatory, and an approved application."""

    def __init__(self, **call_fields):
        super().__init__(**call_fields)
        self.operator = FundOperatorFactory()
        self.fund_signer = UserFactory()
        add_fund_signatory(self.fund_signer)
        self.application = approved(self)


def approved(team: Team) -> Application:
    """An application filled in and approved by the board (its state set directly: how it got
    there is the programmes' and review's tests' business)."""
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    _seq["n"] += 1
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.APPROVED,
        number=f"{team.call.code.upper()}-{_seq['n']:04d}",
        submitted_at=timezone.now() - datetime.timedelta(days=30),
        decided_at=timezone.now() - datetime.timedelta(days=2),
    )
    application.refresh_from_db()
    return application


def document(document_id) -> Document:
    return Document.objects.get(pk=document_id)


def sign_by_lead(team, document_id, capture):
    with capture(execute=True):
        sign_simple(document(document_id), team.signatory, password=PASSWORD)


def sign_by_fund(team, document_id, capture):
    with capture(execute=True):
        countersign_as_fund(document(document_id), team.fund_signer)


def main_agreement(project: Project) -> Agreement:
    return project.agreements.get(kind="main", state__in=["signing", "in_force"])


def started(team: ProjectTeam, capture) -> Project:
    """The project with its grant agreement signed by the lead and the Fund."""
    project = services.prepare_agreement(team.application, actor=team.operator)
    agreement = main_agreement(project)
    sign_by_lead(team, agreement.document_id, capture)
    sign_by_fund(team, agreement.document_id, capture)
    project.refresh_from_db()
    return project


def milestones(project: Project) -> list:
    return list(project.application.milestones.order_by("number"))


def submitted_report(team, project, milestone, **values) -> MilestoneReport:
    report = services.save_report(
        project,
        milestone,
        actor=team.editor,
        summary="Изготовлен прототип",
        kpi_values=values or {"jobs": "3"},
        expected_version=0,
    )
    return services.submit_report(report, actor=team.editor)


def project_state(project: Project) -> dict:
    """Everything a refused project action must leave as it was."""
    fresh = Project.objects.select_related("application").get(pk=project.pk)
    return {
        "state": fresh.application.state,
        "row": {
            f.attname: getattr(fresh, f.attname)
            for f in Project._meta.concrete_fields
            if f.attname != "updated_at"
        },
        "agreements": sorted((str(a.pk), a.state, a.sequence) for a in fresh.agreements.all()),
        "tranches": sorted(
            Tranche.objects.filter(project=fresh).values_list(
                "milestone__number", "amount_rub", "due_on", "state", "payment_reference"
            )
        ),
        "reports": sorted(
            MilestoneReport.objects.filter(project=fresh).values_list(
                "milestone__number", "state", "version", "summary", "act_document_id"
            )
        ),
        "kpis": sorted(
            MilestoneReport.objects.filter(project=fresh).values_list(
                "kpi_actuals__kpi", "kpi_actuals__value"
            ),
            key=str,
        ),
        "audit": AuditEvent.objects.count(),
        "documents": Document.objects.count(),
    }
