from django.urls import URLPattern, path

from . import views

app_name = "dispatch"

urlpatterns: list[URLPattern] = [
    path(
        "gremien/vorgang/<int:pk>/stellungnahme.<str:fmt>",
        views.clerk_statement_file,
        name="clerk_file",
    ),
    path(
        "beirat/vorgang/<int:pk>/stellungnahme.<str:fmt>",
        views.beirat_statement_file,
        name="beirat_file",
    ),
    path(
        "gremien/sitzung/<int:meeting_pk>/stellungnahmen.<str:fmt>",
        views.meeting_package,
        name="meeting_package",
    ),
    path("gremien/eingang/<int:pk>/", views.confirm_receipt, name="confirm_receipt"),
    path("versand/<int:pk>/erneut/", views.resend, name="resend"),
]
