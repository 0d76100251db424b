from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "innocluster.programmes"
    label = "programmes"
    verbose_name = "Programmes and calls"
