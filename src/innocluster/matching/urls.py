"""Matchmaking pages (mounted at /matching/)."""

app_name = "matching"
urlpatterns: list = []
