from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "innocluster.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        # Connects the accession agreement's "in force" receiver to document_signed in every
        # process (web, worker, commands), before any document can be signed.
        from . import accession  # noqa: F401
