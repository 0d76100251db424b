from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "innocluster.insights"
    label = "insights"
    verbose_name = "KPIs and dashboards"
