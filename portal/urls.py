"""Routes of the customer portal: /complain/, /status/<token>/, /survey/<token>/."""

app_name = "portal"
urlpatterns: list = []
