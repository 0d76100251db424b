from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "innocluster.review"
    label = "review"
    verbose_name = "Expert review"

    def ready(self):
        # Every process (web, worker, CLI) must know the minutes' template and mark a session's
        # minutes signed before any document is signed.
        from innocluster.documents.generation import when_signed

        from .board import MINUTES_DOC_TYPE, SESSION_LINK, minutes_signed, register_minutes_template

        register_minutes_template()
        when_signed(SESSION_LINK, minutes_signed, doc_type=MINUTES_DOC_TYPE)
