from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("health/", views.health_endpoint, name="health"),
    path("verwaltung/betrieb/", views.status_page, name="system_status"),
]
