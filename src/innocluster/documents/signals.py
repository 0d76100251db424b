"""Callbacks when a document's signing route ends, for capabilities built on documents.

Both are sent on transaction commit (never for a change that was rolled back), with
``sender=Document`` and ``document=<the Document>``. A grant agreement's project, for example,
connects to ``document_signed`` and starts when its agreement is in force::

    @receiver(document_signed)
    def start_project(sender, document, **kwargs):
        for link in document.links.filter(object_type="projects.project"): ...
"""

from django.dispatch import Signal

# Every step of the route is signed: the document is in force.
document_signed = Signal()
# A signer refused (document.status_reason holds the reason): the route stopped.
document_rejected = Signal()
