"""Matchmaking pages (mounted at /matching/)."""

from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("challenges/<uuid:challenge_id>/", views.challenge_matches, name="challenge"),
    path("technologies/<uuid:offer_id>/", views.technology_matches, name="technology"),
    path("products/<uuid:product_id>/", views.product_matches, name="product"),
    path("organisations/<uuid:organisation_id>/", views.organisation_matches, name="organisation"),
    path("consortium/", views.consortium, name="consortium"),
]
