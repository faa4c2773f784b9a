import pytest

from review.tasks import ping
from tests.conftest import requires_worker


def test_tasks_run_in_process_without_a_broker(settings) -> None:
    if settings.REDIS_URL:
        pytest.skip("a broker is configured")
    assert ping.delay("x").get(timeout=5) == "pong:x"


@requires_worker
@pytest.mark.worker
def test_a_task_round_trips_through_redis_and_a_real_worker(celery_worker) -> None:
    from config.celery import app

    result = app.send_task("review.tasks.ping", args=["über Redis"])
    # Without a result backend we observe the worker's side of the round trip through the
    # broker: the worker's stats count the task as executed.
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stats = app.control.inspect(timeout=1).stats() or {}
        done = sum(s.get("total", {}).get("review.tasks.ping", 0) for s in stats.values())
        if done:
            break
        time.sleep(0.2)
    assert done == 1, result.id
