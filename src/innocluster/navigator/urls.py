"""Portal pages of the navigator (mounted at /navigator/)."""

from django.urls import path

from . import views

app_name = "navigator"
urlpatterns = [
    path("", views.start, name="start"),
    path("form/", views.single_form, name="form"),
    path("results/", views.results, name="results"),
    path("results/save/", views.save, name="save"),
    path("results/<uuid:result_id>/", views.saved_result, name="saved"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<slug:code>/", views.measure_detail, name="measure"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("alerts/", views.alerts, name="alerts"),
    path("manage/", views.manage, name="manage"),
    path("manage/<slug:code>/rules/", views.manage_rules, name="manage_rules"),
]
