from django.apps import AppConfig


class PkiConfig(AppConfig):
    name = "innocluster.pki"
    label = "pki"
    verbose_name = "Public-key infrastructure"
