from django.urls import URLPattern, path

from . import views

app_name = "feeds"

urlpatterns: list[URLPattern] = [
    path("<str:token>/kalender.ics", views.calendar, name="calendar"),
    path(
        "<str:token>/gremium/<int:pk>/stellungnahmen.atom",
        views.committee_statements,
        name="committee_statements",
    ),
]
