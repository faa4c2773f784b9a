from django.urls import URLPattern, path

from . import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", views.report, name="report"),
    path("vorgaenge/", views.cases, name="cases"),
    path("beirat/", views.beirat_report, name="beirat"),
    path("beirat/vorgaenge/", views.beirat_cases, name="beirat_cases"),
]
