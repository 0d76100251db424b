"""Challenge and solution pages (under /exchange/challenges/)."""

urlpatterns: list = []
