from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "innocluster.accounts"
    label = "accounts"
    verbose_name = "Accounts"
