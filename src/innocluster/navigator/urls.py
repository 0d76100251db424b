"""Portal pages of the navigator (mounted at /navigator/)."""

from django.urls import path

from . import views

app_name = "navigator"
urlpatterns = [
    path("", views.start, name="start"),
]
