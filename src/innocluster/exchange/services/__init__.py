"""The exchange's use cases for challenges and solutions.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field), runs inside one ``transaction.atomic`` and records an audit event; when it
refuses, nothing has changed. Modules by theme: ``challenges`` (create, edit, publish, move,
accept the NDA), ``solutions`` (submit, attach, withdraw, the pipeline, messages) and
``acting`` (which organisation a person acts for). This package exports each public name.
"""

from .acting import acting_organisation
from .challenges import (
    FIELDS,
    accept_nda,
    clean_fields,
    create_challenge,
    move_challenge,
    nda_sha256,
    publish_challenge,
    publish_problems,
    update_challenge,
)
from .solutions import (
    ALLOWED_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    add_attachments,
    move_solution,
    post_message,
    submit_solution,
    withdraw_solution,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "FIELDS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "accept_nda",
    "acting_organisation",
    "add_attachments",
    "clean_fields",
    "create_challenge",
    "move_challenge",
    "move_solution",
    "nda_sha256",
    "post_message",
    "publish_challenge",
    "publish_problems",
    "submit_solution",
    "update_challenge",
    "withdraw_solution",
]
