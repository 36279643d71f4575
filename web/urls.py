"""Routes of the web app."""

app_name = "web"
urlpatterns: list = []
