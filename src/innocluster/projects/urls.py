"""Project pages (mounted at /projects/)."""

app_name = "projects"
urlpatterns: list = []
