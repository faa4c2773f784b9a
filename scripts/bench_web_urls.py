"""The application's URLs and the benchmark's floor: the cheapest signed-in Django page.

Middleware, session, the signed-in person and a response, nothing of Stellwerk's own: what any
page costs at least on the same server, so that the case page can be judged against it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<!doctype html><title>Boden</title><p>{request.user.get_username()}")


urlpatterns = [
    path("bench/boden/", floor),
    path("", include("config.urls")),
]
