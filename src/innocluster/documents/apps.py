from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "innocluster.documents"
    label = "documents"
    verbose_name = "Documents"
