from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "innocluster.api"
    label = "api"
    verbose_name = "Api"
