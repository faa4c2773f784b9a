from django.urls import URLPattern, path

from . import views

app_name = "documents"

urlpatterns: list[URLPattern] = [
    path("verwaltung/dokumentvorlagen/", views.template_list, name="templates"),
    path(
        "verwaltung/dokumentvorlagen/<int:pk>/aktivieren/",
        views.template_activate,
        name="template_activate",
    ),
    path(
        "verwaltung/dokumentvorlagen/<int:pk>/datei/",
        views.template_download,
        name="template_download",
    ),
    path("dokumente/<int:pk>/vorschau/", views.document_preview, name="preview"),
    path(
        "dokumente/<int:pk>/vorschau/<int:page>.png",
        views.document_preview_image,
        name="preview_image",
    ),
    path("dokumente/<int:pk>/wiederholen/", views.document_retry, name="retry"),
    path("dokumente/<int:pk>/<str:fmt>/", views.document_download, name="download"),
    path("vorgaenge/<int:review_pk>/dokumente/", views.review_documents, name="review_documents"),
]
