"""Search across the exchange (mounted at /exchange/search/)."""

from django.urls import path

from . import search_views

app_name = "search"
urlpatterns = [
    path("", search_views.search_page, name="page"),
]
