"""Pages of the open innovation exchange (mounted at /exchange/)."""

from django.urls import include, path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("challenges/", include("innocluster.exchange.challenge_urls")),
    path("", include("innocluster.exchange.catalogue_urls")),
]
