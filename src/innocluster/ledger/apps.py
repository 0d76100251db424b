from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "innocluster.ledger"
    label = "ledger"
    verbose_name = "Transparency log"
