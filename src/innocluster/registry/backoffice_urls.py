from django.urls import path

from . import backoffice_views as views

app_name = "backoffice"
urlpatterns = [
    path("", views.applications_queue, name="queue"),
]
