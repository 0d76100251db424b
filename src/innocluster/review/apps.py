from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "innocluster.review"
    label = "review"
    verbose_name = "Expert review"
