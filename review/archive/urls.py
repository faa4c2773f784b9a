from django.urls import URLPattern, path

from . import views

app_name = "archive"

urlpatterns: list[URLPattern] = [
    path("verwaltung/archiv/", views.handover_list, name="list"),
    path("verwaltung/archiv/anbieten/", views.handover_offer, name="offer"),
    path("verwaltung/archiv/<int:pk>/", views.handover_detail, name="detail"),
    path("verwaltung/archiv/<int:pk>/bewertung/", views.handover_evaluation, name="evaluation"),
    path("verwaltung/archiv/<int:pk>/paket/", views.handover_export, name="export"),
    path("verwaltung/archiv/<int:pk>/empfang/", views.handover_receipt, name="receipt"),
    path("verwaltung/archiv/<int:pk>/abschliessen/", views.handover_close, name="close"),
    path(
        "verwaltung/archiv/<int:pk>/loeschen/",
        views.handover_delete_confirm,
        name="delete_confirm",
    ),
    path("verwaltung/archiv/<int:pk>/loeschen/jetzt/", views.handover_delete, name="delete"),
    path("verwaltung/archiv/<int:pk>/datei/<slug:part>/", views.handover_file, name="file"),
]
