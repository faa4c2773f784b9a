from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import URLPattern, URLResolver, include, path

from workflows.views.home import home


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static_url("img/favicon.svg"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico where a page (a PDF, a download) names no icon.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    # The start page counts the flow's tasks, so it is a workflows view (review never imports
    # workflows); it keeps its plain name "home".
    path("", home, name="home"),
    path("", include("workflows.urls")),
    path("", include("review.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
