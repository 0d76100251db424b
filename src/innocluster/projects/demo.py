"""Demo data: take an approved application along the project's path to a chosen stage, through
the same services as the portal (so the demo's projects have their signed documents, acts,
audit trail and notifications like real ones).

The caller signs: ``sign_lead(document)`` for the lead's signatory, ``sign_fund(document)`` for
the Fund's (e.g. ``documents.signing.countersign_as_fund``). Outside a transaction the signing
callbacks run at once; inside one, they run when it commits.
"""

from __future__ import annotations

from collections.abc import Callable

from innocluster.documents.models import Document

from . import services
from .models import Project

STAGES = ("agreement", "in_implementation", "reported", "completed", "terminated")
KPI_PER_MILESTONE = {"jobs": "3", "revenue_rub": "2500000", "taxes_rub": "400000"}


def advance(
    application,
    *,
    to: str,
    operator,
    reporter,
    sign_lead: Callable[[Document], object],
    sign_fund: Callable[[Document], object],
) -> Project:
    """Take ``application`` (approved) to the stage ``to``:

    - ``agreement``: the grant agreement prepared and waiting for the lead's signature;
    - ``in_implementation``: the agreement signed by the lead and the Fund;
    - ``reported``: and the first milestone's report submitted, waiting for the Fund;
    - ``completed``: every report accepted with a signed act, the tranches paid (implemented);
    - ``terminated``: in implementation, then terminated with a reason.

    ``operator`` is one of the Fund's staff; ``reporter`` a person of the lead (editor or
    signatory). Returns the project.
    """
    if to not in STAGES:
        raise ValueError(f"unknown stage {to!r}; one of {', '.join(STAGES)}")
    project = services.prepare_agreement(application, actor=operator)
    if to == "agreement":
        return project
    agreement = project.agreements.get(kind="main", state="signing")
    document = Document.objects.get(pk=agreement.document_id)
    sign_lead(document)
    sign_fund(Document.objects.get(pk=document.pk))
    project.refresh_from_db()
    if to == "in_implementation":
        return project
    if to == "terminated":
        services.terminate(
            project,
            actor=operator,
            reason="Консорциум не приступил к работам в согласованные сроки.",
        )
        return project
    milestones = list(project.application.milestones.order_by("number"))
    for index, milestone in enumerate(milestones):
        report = services.save_report(
            project,
            milestone,
            actor=reporter,
            summary=f"Этап {milestone.number} выполнен: {milestone.deliverables or milestone.title}",
            kpi_values=KPI_PER_MILESTONE,
            expected_version=0,
        )
        services.submit_report(report, actor=reporter)
        if to == "reported":
            return project
        act = services.accept_report(report, actor=operator)
        sign_fund(Document.objects.get(pk=act.pk))
        tranche = project.tranches.get(milestone=milestone)
        services.record_payment(
            tranche, actor=operator, reference=f"ПП-{project.application.number}-{index + 1}"
        )
    project.refresh_from_db()
    return project
