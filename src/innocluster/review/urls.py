"""Expert review and board pages (mounted at /review/)."""

app_name = "review"
urlpatterns: list = []
