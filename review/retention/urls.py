from django.urls import URLPattern, path

from . import views

app_name = "retention"

urlpatterns: list[URLPattern] = [
    path("verwaltung/loeschung/", views.retention_report, name="report"),
]
