"""Routes of the dashboards app, under /dashboard/."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/cases.csv", views.export, {"name": "cases"}, name="export_cases"),
    path("export/<slug:name>.csv", views.export, name="export_table"),
]
