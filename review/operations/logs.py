"""A request id on every log line, from the web request into the Celery tasks it queues; JSON
log lines on demand; errors to a Sentry-compatible endpoint when one is configured.

django-guid would carry the id, but it does not support Django 6 yet; the part we need is a
context variable, a middleware, a log filter and two Celery signals, written here.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")

HEADER = "X-Request-ID"
# An id handed in by the proxy is kept if it looks like one (it lands in every log line).
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        # Not reset on the way out: Django logs a 4xx response ("Not Found: …") after the
        # middleware has returned; request_finished clears the id once the response is sent.
        request_id.set(given if _VALID.match(given) else uuid.uuid4().hex)
        response = self.get_response(request)
        response[HEADER] = request_id.get()
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs: Any) -> None:
    request_id.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


@signals.before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None:
        headers.setdefault("request_id", request_id.get())


@signals.task_prerun.connect
def _receive_request_id(task: Any = None, **kwargs: Any) -> None:
    # A task queued outside a request (beat, a command) gets an id of its own.
    given = getattr(task.request, "request_id", None) if task is not None else None
    request_id.set(given if isinstance(given, str) and given != "-" else uuid.uuid4().hex)


def init_error_reporting(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    """Errors (web and tasks) to Sentry or a compatible service such as GlitchTip.

    send_default_pii=False keeps user names, addresses, cookies and request bodies out of the
    reports; the request id goes along as a tag so a report can be matched with the logs."""
    import sentry_sdk

    def tag_request_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        event.setdefault("tags", {})["request_id"] = request_id.get()
        return event

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=tag_request_id,  # type: ignore[arg-type]
    )
