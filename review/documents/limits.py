"""Rendering an uploaded template in a child process with memory and CPU limits.

A template is code written by users: a few characters of Jinja can ask for gigabytes
(`'x' * 10**9`, `"%0999999999d"|format(1)`) or hours (nested loops over real data). The sandbox
refuses the obvious cases (rendering.py); whatever remains runs in a forked child with an address
space and CPU budget of its own, so it fails that one document with a clear message instead of
taking the web or worker process down. Linux only (fork, resource limits); elsewhere the function
runs in-process.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

OUT_OF_MEMORY = (
    "Die Vorlage braucht beim Erstellen zu viel Arbeitsspeicher (mehr als {mb} MB) und wurde "
    "abgebrochen."
)
OUT_OF_TIME = (
    "Das Erstellen mit dieser Vorlage dauerte zu lange (mehr als {seconds} Sekunden) und wurde "
    "abgebrochen."
)
# Stored on the document in German; the page translates it when shown.
CHILD_FAILED = gettext_noop("Das Erstellen mit dieser Vorlage ist unerwartet abgebrochen.")
# Room for the pipe's reading after the CPU budget is used up (the child may also wait on I/O).
_WALL_CLOCK_SLACK_SECONDS = 5


class ResourceLimitExceeded(Exception):
    """The child ran out of its memory or time budget, or died."""


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(write_fd: int, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    budget = settings.DOCUMENT_RENDER_MEMORY_MB * 1024 * 1024
    # The child starts as a copy of this process: the limit is what it has plus the budget.
    limit = _virtual_memory_bytes() + budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seconds = settings.DOCUMENT_RENDER_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # handed to the parent, which raises it there
        outcome = ("error", exc)
    try:
        payload = pickle.dumps(outcome)
    except Exception as exc:  # an exception that does not pickle: keep its text
        payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    with os.fdopen(write_fd, "wb") as pipe:
        pipe.write(payload)


def _read_all(read_fd: int, deadline: float) -> bytes | None:
    chunks: list[bytes] = []
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                return None
            chunk = pipe.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def run_limited[T](func: Callable[..., T], *args: Any) -> T:
    """func(*args) in a forked child under the limits; its exception is raised here."""
    if not settings.DOCUMENT_RENDER_LIMITS or not hasattr(os, "fork"):
        return func(*args)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        code = 0
        try:
            _child(write_fd, func, args)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    seconds = settings.DOCUMENT_RENDER_SECONDS
    payload: bytes | None = None
    try:
        payload = _read_all(read_fd, time.monotonic() + seconds + _WALL_CLOCK_SLACK_SECONDS)
    finally:
        if payload is None:  # still running after the deadline (or reading failed)
            os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
    if payload is None or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        raise ResourceLimitExceeded(OUT_OF_TIME.format(seconds=seconds))
    if not payload:
        raise ResourceLimitExceeded(CHILD_FAILED)
    kind, value = pickle.loads(payload)
    if kind == "memory":
        raise ResourceLimitExceeded(OUT_OF_MEMORY.format(mb=settings.DOCUMENT_RENDER_MEMORY_MB))
    if kind == "error":
        raise value
    return value
