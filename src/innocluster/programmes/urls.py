"""Public pages of calls (mounted at /calls/)."""

from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.call_list, name="calls"),
    path("<slug:code>/", views.call_detail, name="call"),
]
