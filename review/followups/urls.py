from django.urls import URLPattern, path

from . import views

app_name = "followups"

urlpatterns: list[URLPattern] = [
    path("", views.follow_up_list, name="list"),
    path("<int:pk>/", views.follow_up_detail, name="detail"),
    path("vorgang/<int:review_pk>/neu/", views.open_follow_up, name="open"),
]
