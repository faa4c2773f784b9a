from django.urls import URLPattern, path

from . import metrics, views

urlpatterns: list[URLPattern] = [
    path("health/", views.health_endpoint, name="health"),
    path("metrics", metrics.metrics_endpoint, name="metrics"),
    path("verwaltung/betrieb/", views.status_page, name="system_status"),
]
