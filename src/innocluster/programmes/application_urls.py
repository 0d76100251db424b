"""Applicants' pages: their applications, drafting, consortium, submission (mounted at /applications/)."""

app_name = "applications"
urlpatterns: list = []
