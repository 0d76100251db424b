"""The projects' documents: the grant agreement, supplementary agreements and acts of
acceptance, registered with document circulation and printed in Russian (the binding language,
as the programmes' documents)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy

from innocluster.programmes.choices import CostCategory, KpiCode

AGREEMENT_TEMPLATE = "projects_grant_agreement"
SUPPLEMENTARY_TEMPLATE = "projects_supplementary_agreement"
ACT_TEMPLATE = "projects_acceptance_act"
AGREEMENT_DOC_TYPE = "grant_agreement"
SUPPLEMENTARY_DOC_TYPE = "supplementary_agreement"
ACT_DOC_TYPE = "acceptance_act"
# The links the signing callbacks react to (``apps.ProjectsConfig.ready``).
AGREEMENT_LINK = "projects.agreement"
REPORT_LINK = "projects.milestonereport"
PRINT_LANG = "ru"


def _templates():
    from innocluster.documents.rendering import DocumentTemplate

    return [
        DocumentTemplate(
            AGREEMENT_TEMPLATE,
            AGREEMENT_DOC_TYPE,
            "projects/documents/agreement.html",
            gettext_lazy("Grant agreement"),
        ),
        DocumentTemplate(
            SUPPLEMENTARY_TEMPLATE,
            SUPPLEMENTARY_DOC_TYPE,
            "projects/documents/supplementary.html",
            gettext_lazy("Supplementary agreement"),
        ),
        DocumentTemplate(
            ACT_TEMPLATE,
            ACT_DOC_TYPE,
            "projects/documents/act.html",
            gettext_lazy("Act of acceptance of a milestone"),
        ),
    ]


def register_document_templates() -> None:
    """Add the projects' PDF templates to the documents' template table (idempotent; called from
    ``apps.ready`` and before each use)."""
    from innocluster.documents import rendering

    for spec in _templates():
        if spec.code not in rendering.TEMPLATES:
            rendering.register_template(spec)


def _money(value) -> str:
    """Roubles printed with a space between thousands and a comma before kopecks."""
    amount = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', ' ')},{cents}"


def agreement_context(project, tranches, *, number_of_main: str = "") -> dict:
    """What the grant agreement prints: the parties, the project, the budget by year and
    category, the milestones with their tranches and the KPI targets."""
    application = project.application
    with translation.override(PRINT_LANG):
        budget = [
            {
                "year": line.year,
                "category": str(CostCategory(line.category).label),
                "grant": _money(line.grant_rub),
                "cofinancing": _money(line.cofinancing_rub),
            }
            for line in application.budget_lines.order_by("year", "category")
        ]
        kpis = [
            {"kpi": str(KpiCode(t.kpi).label), "target": t.target}
            for t in application.kpi_targets.order_by("kpi")
        ]
    members = application.members.select_related("organisation").order_by("role", "invited_at")
    return {
        "application_number": application.number,
        "project_title": application.title,
        "project_summary": application.summary,
        "call_title": application.call.title_ru,
        "call_code": application.call.code,
        "lead_name": application.lead.name_ru,
        "lead_inn": application.lead.inn or "—",
        "partners": [
            {"name": m.organisation.name_ru, "inn": m.organisation.inn or "—"}
            for m in members
            if m.role == "partner" and m.status == "confirmed"
        ],
        "grant": _money(project.grant_rub),
        "cofinancing": _money(project.cofinancing_rub),
        "budget": budget,
        "milestones": [
            {
                "number": t.milestone.number,
                "title": t.milestone.title,
                "deliverables": t.milestone.deliverables,
                "due_on": t.due_on.strftime("%d.%m.%Y"),
                "tranche": _money(t.amount_rub),
            }
            for t in tranches
        ],
        "kpis": kpis,
        "main_number": number_of_main,
    }


def act_context(report, tranche, kpi_values: dict) -> dict:
    """What the act of acceptance prints: the milestone, its deliverables, the report's KPI
    values and the tranche that becomes payable."""
    project = report.project
    application = project.application
    milestone = report.milestone
    with translation.override(PRINT_LANG):
        kpis = [
            {"kpi": str(KpiCode(code).label), "value": value}
            for code, value in sorted(kpi_values.items())
        ]
    return {
        "application_number": application.number,
        "project_title": application.title,
        "lead_name": application.lead.name_ru,
        "lead_inn": application.lead.inn or "—",
        "milestone_number": milestone.number,
        "milestone_title": milestone.title,
        "deliverables": milestone.deliverables,
        "due_on": tranche.due_on.strftime("%d.%m.%Y") if tranche else "",
        "summary": report.summary,
        "kpis": kpis,
        "tranche": _money(tranche.amount_rub) if tranche else "",
        "is_final": report.is_final,
    }
