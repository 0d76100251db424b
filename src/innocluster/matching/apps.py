from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "innocluster.matching"
    label = "matching"
    verbose_name = "Partner matchmaking"
