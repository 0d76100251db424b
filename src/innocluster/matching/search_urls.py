"""Search across the exchange (mounted at /exchange/search/)."""

app_name = "search"
urlpatterns: list = []
