"""Operators' application lists, bulk actions and exports (mounted at /manage/applications/)."""

app_name = "manage_applications"
urlpatterns: list = []
