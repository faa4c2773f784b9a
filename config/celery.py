"""The Celery application. Without REDIS_URL the tasks run in-process (see settings)."""

import logging
import os
from typing import Any

from celery import Celery, Task
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

NOT_QUEUED = "task %s not queued, the broker is unreachable: %s"


class QueueingTask(Task):
    """A task whose queueing never fails the caller when Redis is down (issue #16.3).

    Tasks are queued from `transaction.on_commit` after the request's rows are committed; an
    exception there would turn a saved change into an HTTP 500 and skip the remaining on-commit
    callbacks. The work is recorded in the database before it is queued (a document "pending",
    a notification or dispatch unsent), so it is not lost: a periodic sweep queues what has
    stayed pending once Redis is back (issue #16.2). Here the failure is only logged.
    """

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().apply_async(*args, **kwargs)
        except OperationalError as exc:
            logger.warning(NOT_QUEUED, self.name, exc)
            return None


app = Celery("stellwerk", task_cls=QueueingTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
