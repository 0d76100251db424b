"""The documents app's tables."""

from .documents import Document, DocumentLink, DocumentParty, DocumentVersion
from .signing import PreparedSignature, Receipt, Signature, SigningStep

__all__ = [
    "Document",
    "DocumentLink",
    "DocumentParty",
    "DocumentVersion",
    "PreparedSignature",
    "Receipt",
    "Signature",
    "SigningStep",
]
