from django.urls import URLPattern, path

from . import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", views.report, name="report"),
    path("vorgaenge/", views.cases, name="cases"),
    path("dokument/", views.request_document, name="request_document"),
    path("dokumente/", views.documents, name="documents"),
    path("dokumente/<int:pk>/stand/", views.progress, name="progress"),
    path("dokumente/<int:pk>/<str:fmt>/", views.download, name="download"),
    path("vorlage/", views.template, name="template"),
    path("vorlage/situation_report.docx", views.bundled_template, name="template_file"),
    path("beirat/", views.beirat_report, name="beirat"),
    path("beirat/vorgaenge/", views.beirat_cases, name="beirat_cases"),
]
