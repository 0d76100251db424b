from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "innocluster.portal"
    label = "portal"
    verbose_name = "Portal"
