from django.apps import AppConfig


class NavigatorConfig(AppConfig):
    name = "innocluster.navigator"
    label = "navigator"
    verbose_name = "Support navigator"

    def ready(self):
        from . import signals

        signals.connect()
