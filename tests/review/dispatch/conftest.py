from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# A local SMTP server and a worker mailing to it (tests/mail_sink.py).
from tests.mail_sink import mail_worker, smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Statement files go to a temporary folder, never into the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield tmp_path / "media"
