"""manage.py archive_handover: the same hand-over from the shell."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from review.models import DeletionRecord, Handover, Review
from tests import factories as f

from .conftest import closed_case, evaluation, receipt

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("archive_handover", "--by", "admin", *args, stdout=out)
    return out.getvalue()


def test_the_command_hands_over_a_case(tmp_path: Path, converter, xsd) -> None:
    f.administrator()
    case = closed_case("V0555/24")
    offer = tmp_path / "0501.xml"
    assert "1 Vorgang/Vorgänge angeboten" in _run("offer", "--output", str(offer))
    handover = Handover.objects.get()
    assert str(handover.items.get().record_id) in offer.read_text()

    decision = tmp_path / "0502.xml"
    decision.write_bytes(evaluation(handover.process_id, {handover.items.get().record_id: "A"}))
    assert "1 Vorgang/Vorgänge archivieren" in _run(
        "evaluation", str(handover.process_id), str(decision)
    )

    package = tmp_path / "0503.zip"
    assert "SHA-256" in _run("export", str(handover.process_id), "--output", str(package))
    with zipfile.ZipFile(package) as archive:
        assert any(name.endswith("_Protokoll.csv") for name in archive.namelist())

    answer = tmp_path / "0504.xml"
    answer.write_bytes(receipt(handover.process_id))
    _run("confirm", str(handover.process_id), str(answer))
    assert list(Review.objects.handed_over()) == [case]
    assert f"{handover.process_id}  " in _run("list")
    assert "Gelöscht: 1 Vorgang/Vorgänge" in _run("delete", str(handover.process_id))
    assert not Review.objects.filter(pk=case.pk).exists()
    assert DeletionRecord.objects.get().count == 1


def test_the_command_reports_errors_in_german() -> None:
    f.administrator()
    with pytest.raises(CommandError, match="Keine Aussonderung"):
        _run("export", "242f44e8-bebf-4503-a086-db252c6a4277")
    closed_case()
    _run("offer")
    with pytest.raises(CommandError, match="erst gelöscht werden, wenn die Aussonderung abge"):
        _run("delete", str(Handover.objects.get().process_id))
    assert Review.objects.count() == 1
    with pytest.raises(CommandError, match="Keine Person"):
        call_command("archive_handover", "--by", "nobody", "list")
