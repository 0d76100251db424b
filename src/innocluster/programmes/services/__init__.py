"""Applications' use cases: draft, build the consortium, fill in the sections, attach, move.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field, e.g. ``budget[2].grant_rub``), runs inside one ``transaction.atomic`` and records
an audit event; when it refuses, nothing has changed. Sections (details, answers, budget,
milestones, KPI targets) are saved whole, against the ``version`` the editor loaded: an edit
based on an older version is refused with ``Conflict(code="stale_version")`` so two members
editing at once never overwrite each other.

``move`` is the only function that changes ``Application.state`` (``workflows.TRANSITIONS``).
Consent and submission documents go through document circulation; a signed consent confirms the
partner through :func:`consent_signed` (connected in ``apps.ProgrammesConfig.ready``).

The use cases live in modules by theme: ``drafting`` (starting an application, saving its
sections), ``consortium`` (partners, consents), ``attachments``, ``workflow`` (``move`` and the
submission's effects) and ``documents`` (the templates, the snapshot); ``common`` holds what they
share. This package exports each public name, so callers import from ``services`` alone.
"""

from innocluster.documents.storage import FILENAME_BAD

from .attachments import add_attachment
from .common import EDITABLE_STATES
from .consortium import (
    consent_rejected,
    consent_signed,
    decline_participation,
    invite_partner,
    send_consent,
)
from .documents import (
    APPLICATION_LINK,
    CONSENT_DOC_TYPE,
    CONSENT_TEMPLATE,
    MEMBER_LINK,
    PRINT_LANG,
    SUBMISSION_DOC_TYPE,
    SUBMISSION_TEMPLATE,
    register_document_templates,
    snapshot,
)
from .drafting import (
    MAX_LINES,
    MONEY_LIMIT,
    create_application,
    save_answers,
    save_budget,
    save_details,
    save_kpi_targets,
    save_milestones,
)
from .workflow import DECISION_STATES, SUBMIT_ACTIONS, move, submission_signed

__all__ = [
    "APPLICATION_LINK",
    "CONSENT_DOC_TYPE",
    "CONSENT_TEMPLATE",
    "DECISION_STATES",
    "EDITABLE_STATES",
    "FILENAME_BAD",
    "MAX_LINES",
    "MEMBER_LINK",
    "MONEY_LIMIT",
    "PRINT_LANG",
    "SUBMISSION_DOC_TYPE",
    "SUBMISSION_TEMPLATE",
    "SUBMIT_ACTIONS",
    "add_attachment",
    "consent_rejected",
    "consent_signed",
    "create_application",
    "decline_participation",
    "invite_partner",
    "move",
    "register_document_templates",
    "save_answers",
    "save_budget",
    "save_details",
    "save_kpi_targets",
    "save_milestones",
    "send_consent",
    "snapshot",
    "submission_signed",
]
