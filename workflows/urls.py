from django.urls import URLPattern, path

from .views import reviews

app_name = "workflows"

urlpatterns: list[URLPattern] = [
    path("vorgaenge/", reviews.review_list, name="review_list"),
    path("vorgaenge/<int:pk>/", reviews.review_detail, name="review_detail"),
]
