from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_settings, name="accessibility"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<uuid:notification_id>/open/",
        views.open_notification,
        name="open_notification",
    ),
]
