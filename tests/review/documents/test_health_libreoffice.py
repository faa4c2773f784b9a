"""The health check's LibreOffice part: a real conversion, green while unoserver runs."""

from __future__ import annotations

import pytest

from review.operations import health

pytestmark = [pytest.mark.libreoffice, pytest.mark.django_db]


def test_libreoffice_check_converts_a_document_through_the_running_unoserver(
    unoserver: int,
) -> None:
    [result] = health.run_checks([health.LibreOffice()])
    assert health.status_of(result) == "ok"


def test_libreoffice_check_is_red_when_nothing_answers(settings: object) -> None:
    [result] = health.run_checks([health.LibreOffice()])
    assert health.status_of(result) == "error"
    assert result.error is not None and "not reachable" in result.error.message
