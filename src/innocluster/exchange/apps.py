from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "innocluster.exchange"
    label = "exchange"
    verbose_name = "Open innovation exchange"
