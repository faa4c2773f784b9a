from django.urls import URLPattern, URLResolver, include, path

from .accounts.urls import password_reset_urlpatterns
from .api.api import api
from .feeds import views as feed_views
from .oparl import profile_views
from .oparl import views as oparl_views
from .views import papers, search

urlpatterns: list[URLPattern | URLResolver] = [
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
    path("verwaltung/relevanz/", profile_views.profile, name="relevance_profile"),
    path("verwaltung/relevanz/stichwort/neu/", profile_views.term_edit, name="relevance_term_add"),
    path("verwaltung/relevanz/stichwort/<int:pk>/", profile_views.term_edit, name="relevance_term"),
    path("verwaltung/relevanz/beobachtet/", profile_views.watched_edit, name="relevance_watched"),
    path("verwaltung/relevanz/vorschau/", profile_views.preview, name="relevance_preview"),
    path("verwaltung/relevanz/neu-bewerten/", profile_views.rescore, name="relevance_rescore"),
    path("", include("review.external.urls")),
    path("", include("review.dispatch.urls")),
    path("", include("review.operations.urls")),
    path("api/v1/", api.urls),
    path("bericht/", include("review.reports.urls")),
    path("beschlusskontrolle/", include("review.followups.urls")),
    path("", include("review.archive.urls")),
    path("", include("review.retention.urls")),
]
