from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "innocluster.programmes"
    label = "programmes"
    verbose_name = "Programmes and calls"

    def ready(self):
        # Every process (web, worker, CLI) must know the consent and submission templates and
        # react to signed or refused consents before any document is signed.
        from innocluster.documents.generation import when_rejected, when_signed

        from . import signals
        from .services import (
            APPLICATION_LINK,
            CONSENT_DOC_TYPE,
            MEMBER_LINK,
            SUBMISSION_DOC_TYPE,
            consent_rejected,
            consent_signed,
            register_document_templates,
            submission_signed,
        )

        register_document_templates()
        signals.connect()
        when_signed(MEMBER_LINK, consent_signed, doc_type=CONSENT_DOC_TYPE)
        when_rejected(MEMBER_LINK, consent_rejected, doc_type=CONSENT_DOC_TYPE)
        when_signed(APPLICATION_LINK, submission_signed, doc_type=SUBMISSION_DOC_TYPE)
