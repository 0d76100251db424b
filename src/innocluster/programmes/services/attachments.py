"""Attaching files to an application: a call's required documents and supporting material."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

from ..checks import known_document_codes
from ..models import Application, Attachment
from ..permissions import may_edit_application
from .common import _audit, _editable, _lock, _permit


def add_attachment(
    application: Application, required_document: str, filename: str, content: bytes, *, actor
) -> Attachment:
    """Attach a file, for one of the call's required documents (its code) or, with ``""``, as
    supporting material. A new file for a required document replaces the earlier one. The
    bytes go to the documents' content store (content-addressed).

    Returns the attachment. Raises ``ValidationFailed`` (``required_document``, ``filename``,
    ``content``: unknown code, bad name, empty or over DOCUMENT_MAX_BYTES), ``Conflict``
    (``not_editable``) or ``NotPermitted``.
    """
    from innocluster.documents import storage

    _permit(may_edit_application(actor, application))
    errors: list[FieldError] = []
    code = (required_document or "").strip()
    if code and code not in known_document_codes(application.call):
        errors.append(
            FieldError(
                "required_document",
                _("The call asks for no document “%(code)s”.") % {"code": code},
                "invalid_choice",
            )
        )
    name = storage.check_upload(errors, filename, content)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        replaced = []
        if code:
            old = locked.attachments.filter(required_document=code)
            replaced = list(old.values_list("sha256", flat=True))
            old.delete()
        attachment = Attachment.objects.create(
            application=locked,
            required_document=code,
            **storage.store_upload(name, content, actor),
        )
        _audit(
            actor,
            "application.attachment_added",
            application,
            before={"replaced": replaced} if replaced else None,
            after={"required_document": code, "filename": name, "sha256": attachment.sha256},
        )
    return attachment
