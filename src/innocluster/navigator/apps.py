from django.apps import AppConfig


class NavigatorConfig(AppConfig):
    name = "innocluster.navigator"
    label = "navigator"
    verbose_name = "Support navigator"
