"""Files in the storage that no document row points at.

A document's file is written first and recorded on its row afterwards (generation._store), so
that a row never points at half a file. A worker killed between the two leaves a file behind
that nothing refers to; the rerun writes its own file under another name. These files are found
and removed here, once they are old enough that no generation can still be about to record
them. Preview images (`vorschau/`) belong to recorded documents and are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from review.models import Document

logger = logging.getLogger(__name__)

ROOT = "dokumente"
# A generation records its file within seconds; a day leaves room for a stuck worker.
GRACE = timedelta(days=1)


def _files() -> Iterator[str]:
    """Every document file in the storage: dokumente/<review>/<file>."""
    if not default_storage.exists(ROOT):
        return
    review_folders, _files_at_root = default_storage.listdir(ROOT)
    for folder in review_folders:
        _subfolders, names = default_storage.listdir(f"{ROOT}/{folder}")
        yield from (f"{ROOT}/{folder}/{name}" for name in names)


def orphan_files(now: datetime | None = None) -> list[str]:
    """Files older than GRACE that no document's Word or PDF field names."""
    cutoff = (now or timezone.now()) - GRACE
    recorded = set(Document.objects.exclude(docx="").values_list("docx", flat=True))
    recorded |= set(Document.objects.exclude(pdf="").values_list("pdf", flat=True))
    return sorted(
        name
        for name in _files()
        if name not in recorded and default_storage.get_modified_time(name) < cutoff
    )


def remove_orphan_files(now: datetime | None = None) -> int:
    orphans = orphan_files(now)
    for name in orphans:
        default_storage.delete(name)
    if orphans:
        logger.info("documents: removed %d file(s) no document refers to", len(orphans))
    return len(orphans)
