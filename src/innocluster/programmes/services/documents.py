"""The programmes' documents: the consent and submission templates registered with document
circulation, the application as data (its snapshot) and its answers as printed."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy

from ..choices import ParticipationStatus
from ..models import Application

CONSENT_TEMPLATE = "programmes_consent"
SUBMISSION_TEMPLATE = "programmes_application"
CONSENT_DOC_TYPE = "consent"
SUBMISSION_DOC_TYPE = "application"
MEMBER_LINK = "programmes.consortiummember"
APPLICATION_LINK = "programmes.application"
# Documents are printed in Russian, the binding language (as the accession agreement).
PRINT_LANG = "ru"


def register_document_templates() -> None:
    """Add the programmes' PDF templates to the documents' template table (idempotent; called
    from ``apps.ready`` and before each use)."""
    from innocluster.documents import rendering

    rendering.TEMPLATES.setdefault(
        CONSENT_TEMPLATE,
        rendering.DocumentTemplate(
            CONSENT_TEMPLATE,
            CONSENT_DOC_TYPE,
            "programmes/documents/consent.html",
            gettext_lazy("Consent to take part in a joint project"),
        ),
    )
    rendering.TEMPLATES.setdefault(
        SUBMISSION_TEMPLATE,
        rendering.DocumentTemplate(
            SUBMISSION_TEMPLATE,
            SUBMISSION_DOC_TYPE,
            "programmes/documents/application.html",
            gettext_lazy("Application for support of a joint project"),
        ),
    )


def submission_documents(application: Application):
    """The documents the application's last submission registered (its JSON and PDF)."""
    from innocluster.documents.selectors import documents_linked_to

    if not application.submission_document_id or application.submitted_at is None:
        return documents_linked_to(application).none()
    return documents_linked_to(application).filter(
        doc_type=SUBMISSION_DOC_TYPE, created_at__gte=application.submitted_at
    )


def unsigned_submission(application: Application) -> bool:
    """Some document of the last submission is not signed yet (an application the workflow
    never submitted, made directly, has none)."""
    from innocluster.documents.choices import DocumentStatus

    return submission_documents(application).exclude(status=DocumentStatus.SIGNED).exists()


def snapshot(application: Application) -> dict:
    """The application as data: what the submission's JSON holds (money as strings)."""
    call = application.call
    members = application.members.select_related("organisation").order_by("role", "invited_at")
    lines = application.budget_lines.order_by("year", "category")
    grant = sum((line.grant_rub for line in lines), Decimal(0))
    cofinancing = sum((line.cofinancing_rub for line in lines), Decimal(0))
    return {
        "id": str(application.pk),
        "number": application.number,
        "version": application.version,
        "call": {"code": call.code, "title": call.title_ru},
        "form_version": str(call.form_version_id) if call.form_version_id else None,
        "title": application.title,
        "summary": application.summary,
        "priority_area": application.priority_area,
        "innovation_type": application.innovation_type,
        "answers": application.answers or {},
        "consortium": [
            {
                "role": m.role,
                "status": m.status,
                "organisation": str(m.organisation_id),
                "name": m.organisation.name_ru,
                "inn": m.organisation.inn,
                "sme_category": m.organisation.sme_category,
                "consent_document": str(m.consent_document_id) if m.consent_document_id else None,
            }
            for m in members
            if m.status != ParticipationStatus.DECLINED
        ],
        "budget": [
            {
                "category": line.category,
                "year": line.year,
                "grant_rub": str(line.grant_rub),
                "cofinancing_rub": str(line.cofinancing_rub),
            }
            for line in lines
        ],
        "totals": {"grant_rub": str(grant), "cofinancing_rub": str(cofinancing)},
        "milestones": [
            {
                "number": m.number,
                "title": m.title,
                "deliverables": m.deliverables,
                "due_on": m.due_on.isoformat(),
                "tranche_rub": str(m.tranche_rub),
            }
            for m in application.milestones.order_by("number")
        ],
        "kpi_targets": [
            {"kpi": t.kpi, "target": str(t.target)} for t in application.kpi_targets.all()
        ],
        "attachments": [
            {
                "required_document": a.required_document,
                "filename": a.filename,
                "media_type": a.media_type,
                "sha256": a.sha256,
                "size": a.size,
            }
            for a in application.attachments.order_by("uploaded_at", "id")
        ],
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
    }


def _answers_for_print(application: Application) -> list[dict]:
    fields = application.call.form_version.fields if application.call.form_version_id else []
    answers = application.answers or {}
    rows = []
    for spec in fields:
        if not isinstance(spec, dict) or spec.get("name") not in answers:
            continue
        value = answers[spec["name"]]
        labels = {
            c.get("code"): (c.get("label") or {}).get("ru") for c in spec.get("choices") or []
        }
        if isinstance(value, list):
            value = ", ".join(str(labels.get(v, v)) for v in value)
        elif isinstance(value, bool):
            value = "да" if value else "нет"
        elif isinstance(value, str) and value in labels:
            value = labels[value]
        rows.append({"label": (spec.get("label") or {}).get("ru", spec["name"]), "value": value})
    return rows
