"""Celery tasks of the review app: thin, they take ids and call into the domain."""

from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A round trip through the broker, used by the health page and the worker test."""
    return f"pong:{value}"
