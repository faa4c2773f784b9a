from django.urls import URLPattern, path

from . import views

app_name = "external"

urlpatterns: list[URLPattern] = [
    path("gremien/", views.clerk, name="clerk"),
]
