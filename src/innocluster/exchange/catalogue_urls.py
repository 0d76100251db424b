"""Technology offers, products and expressions of interest (under /exchange/)."""

urlpatterns: list = []
