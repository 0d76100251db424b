"""The operators' KPI dashboard (mounted at /manage/kpis/)."""

app_name = "insights"
urlpatterns: list = []
