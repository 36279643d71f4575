"""Routes of the dashboards app."""

app_name = "dashboards"
urlpatterns: list = []
