from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from review.oparl.fixture_server import FixtureServer


@pytest.fixture(autouse=True)
def _fast_retries(settings: Settings) -> None:
    settings.OPARL_BACKOFF_SECONDS = 0
    settings.OPARL_RETRIES = 2
    settings.OPARL_TIMEOUT_SECONDS = 5


@pytest.fixture
def serve() -> Iterator[Callable[..., FixtureServer]]:
    """Start a fixture server on a free loopback port for a directory; stopped afterwards."""
    servers: list[FixtureServer] = []

    def start(root: Path, **options: Any) -> FixtureServer:
        server = FixtureServer(root, **options)
        server.start_in_thread()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
