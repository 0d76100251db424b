from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "innocluster.projects"
    label = "projects"
    verbose_name = "Projects: agreements and implementation"

    def ready(self):
        # Every process (web, worker, CLI) must know the agreement and act templates and react
        # to signed or refused agreements and acts before any of them is signed.
        from innocluster.documents.generation import when_rejected, when_signed

        from .services import (
            ACT_DOC_TYPE,
            AGREEMENT_DOC_TYPE,
            AGREEMENT_LINK,
            REPORT_LINK,
            SUPPLEMENTARY_DOC_TYPE,
            act_rejected,
            act_signed,
            agreement_rejected,
            agreement_signed,
            register_document_templates,
        )

        register_document_templates()
        for doc_type in (AGREEMENT_DOC_TYPE, SUPPLEMENTARY_DOC_TYPE):
            when_signed(AGREEMENT_LINK, agreement_signed, doc_type=doc_type)
            when_rejected(AGREEMENT_LINK, agreement_rejected, doc_type=doc_type)
        when_signed(REPORT_LINK, act_signed, doc_type=ACT_DOC_TYPE)
        when_rejected(REPORT_LINK, act_rejected, doc_type=ACT_DOC_TYPE)
