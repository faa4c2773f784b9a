from django.urls import URLPattern, URLResolver, include, path

from . import views
from .accounts.urls import password_reset_urlpatterns
from .feeds import views as feed_views
from .oparl import views as oparl_views
from .views import papers, search

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path(
        "vorlagen/",
        include(
            (
                [
                    path("", papers.paper_list, name="list"),
                    path("<int:pk>/", papers.paper_detail, name="detail"),
                ],
                "papers",
            )
        ),
    ),
    path(
        "suche/",
        include(
            (
                [
                    path("", search.search, name="results"),
                    path("vorschau/", search.preview, name="preview"),
                    path("aehnlich/<int:review_pk>/", search.similar_cases, name="similar"),
                ],
                "search",
            )
        ),
    ),
    path("konto/", include("review.accounts.urls")),
    *password_reset_urlpatterns,
    path("benachrichtigungen/", include("review.notifications.urls")),
    path("feeds/", include("review.feeds.urls")),
    path("", include("review.documents.urls")),
    path("konto/kalender/", feed_views.calendar_settings, name="feeds_settings"),
    path("konto/kalender/neu/", feed_views.regenerate_token, name="feeds_regenerate"),
    path("konto/kalender/aus/", feed_views.revoke_token, name="feeds_revoke"),
    path("verwaltung/synchronisation/", oparl_views.sync_runs, name="sync_runs"),
    path("", include("review.external.urls")),
    path("", include("review.dispatch.urls")),
]
