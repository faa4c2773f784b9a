from django.urls import URLPattern, path

from . import views

app_name = "external"

urlpatterns: list[URLPattern] = [
    path("beirat/", views.beirat, name="beirat"),
    path("beirat/vorgang/<int:pk>/", views.beirat_review, name="beirat_review"),
    path("beirat/vorgang/<int:pk>/votum/", views.beirat_vote, name="beirat_vote"),
    path("beirat/anlage/<int:pk>/", views.beirat_file, name="beirat_file"),
    path("gremien/", views.clerk, name="clerk"),
]
