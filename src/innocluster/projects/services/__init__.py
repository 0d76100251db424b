"""Projects' use cases: the grant agreement and its changes, milestone reports, acts of
acceptance, payments, termination, overdue reminders.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field, e.g. ``kpi_values.jobs``), runs inside one ``transaction.atomic`` and records
an audit event on the project; when it refuses, nothing has changed. The application's state
changes only through ``programmes.services.move``: ``prepare_agreement`` here, the rest
(``start_implementation``, ``complete``) when the agreement or the final act is signed
(:func:`agreement_signed`, :func:`act_signed`, connected in ``apps.ProjectsConfig.ready``).
"""

from .agreements import (
    agreement_rejected,
    agreement_signed,
    awarded_grant,
    prepare_agreement,
    propose_supplementary,
    terminate,
)
from .documents import (
    ACT_DOC_TYPE,
    AGREEMENT_DOC_TYPE,
    AGREEMENT_LINK,
    REPORT_LINK,
    SUPPLEMENTARY_DOC_TYPE,
    register_document_templates,
)
from .reminders import REMINDER_INTERVAL, remind_overdue
from .reports import (
    accept_report,
    act_rejected,
    act_signed,
    add_evidence,
    record_payment,
    report_url,
    return_report,
    save_report,
    submit_report,
    tranche_change_pending,
)

__all__ = [
    "ACT_DOC_TYPE",
    "AGREEMENT_DOC_TYPE",
    "AGREEMENT_LINK",
    "REMINDER_INTERVAL",
    "REPORT_LINK",
    "SUPPLEMENTARY_DOC_TYPE",
    "accept_report",
    "act_rejected",
    "act_signed",
    "add_evidence",
    "agreement_rejected",
    "agreement_signed",
    "awarded_grant",
    "prepare_agreement",
    "propose_supplementary",
    "record_payment",
    "register_document_templates",
    "remind_overdue",
    "report_url",
    "return_report",
    "save_report",
    "submit_report",
    "terminate",
    "tranche_change_pending",
]
