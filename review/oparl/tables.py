"""In-memory index of one model's rows of a source, and bulk upserts against it.

The index (oparl_id → pk, content hash, deleted, placeholder) is loaded in one query per
model when a run starts, so the hot path never asks the database whether a row exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from review.models import OParlObject, Source

from .bulk import BATCH, insert_pairs, insert_rows

BOOKKEEPING = [
    "oparl_created",
    "oparl_modified",
    "web",
    "content_hash",
    "deleted",
    "deleted_at",
    "is_placeholder",
    "updated_at",
]


@dataclass
class Row:
    pk: int
    hash: str
    deleted: bool
    placeholder: bool


@dataclass
class Item:
    """One normalised object ready to be written."""

    oparl_id: str
    fields: dict[str, Any]
    hash: str
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: int = 0

    def add(self, other: Counts) -> None:
        for name in ("created", "updated", "deleted", "unchanged", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


class Table:
    def __init__(
        self,
        model: type[OParlObject],
        source: Source,
        fields: list[str],
        parents: tuple[str, ...] = (),
    ) -> None:
        self.model = model
        self.source = source
        self.parents = parents
        self.rows: dict[str, Row] = {}
        # (parent field, parent pk) → oparl_ids of the children stored under it.
        self.children: dict[tuple[str, int], set[str]] = defaultdict(set)
        # Only what the source owns: local settings (is_watched, email, …) are never overwritten.
        self.write_fields = [*fields, *BOOKKEEPING]
        columns = ["oparl_id", "pk", "content_hash", "deleted", "is_placeholder", *parents]
        rows = model.all_objects.filter(source=source, oparl_id__isnull=False).values_list(*columns)
        for values in rows.iterator(chunk_size=5000):
            oparl_id, pk, hash_, deleted, placeholder = values[:5]
            self.rows[oparl_id] = Row(pk, hash_, deleted, placeholder)
            for name, parent_pk in zip(parents, values[5:], strict=True):
                if parent_pk is not None and not deleted:
                    self.children[(name, parent_pk)].add(oparl_id)

    def pk(self, oparl_id: str) -> int | None:
        row = self.rows.get(oparl_id)
        return row.pk if row else None

    def ensure_placeholders(self, wanted: dict[str, dict[str, Any]], now: datetime) -> int:
        """Create rows for referenced but unknown objects; a later run fills them in."""
        missing = [oid for oid in wanted if oid not in self.rows]
        rows = [
            {
                "source_id": self.source.pk,
                "oparl_id": oid,
                "is_placeholder": True,
                "content_hash": "",
                "created_at": now,
                "updated_at": now,
                **wanted[oid],
            }
            for oid in missing
        ]
        for oid, pk in zip(missing, insert_rows(self.model, rows), strict=True):
            self.rows[oid] = Row(pk, "", False, True)
        return len(missing)

    def upsert(self, items: list[Item], now: datetime) -> tuple[list[tuple[Item, int]], Counts]:
        """Write new and changed items; returns the live items written (with pks) and counts."""
        counts = Counts()
        new: list[Item] = []
        changed: list[tuple[Item, OParlObject]] = []
        tombstoned: list[OParlObject] = []
        seen: set[str] = set()
        for item in items:
            if item.oparl_id in seen:
                continue  # the same object twice on one page: the first wins
            seen.add(item.oparl_id)
            row = self.rows.get(item.oparl_id)
            if item.deleted:
                if row is None:
                    new.append(item)
                elif not row.deleted:
                    obj = self.model(deleted=True, deleted_at=now, updated_at=now)
                    obj.pk, obj.content_hash = row.pk, item.hash
                    tombstoned.append(obj)
                    row.deleted, row.hash = True, item.hash
                else:
                    counts.unchanged += 1
                continue
            if row is not None and row.hash == item.hash and not row.deleted:
                counts.unchanged += 1
                continue
            if row is None:
                new.append(item)
            else:
                obj = self._instance(item, now)
                obj.pk = row.pk
                changed.append((item, obj))
                row.hash, row.deleted, row.placeholder = item.hash, False, False
        new_pks = insert_rows(self.model, [self._values(item, now) for item in new])
        for item, pk in zip(new, new_pks, strict=True):
            self.rows[item.oparl_id] = Row(pk, item.hash, item.deleted, False)
        if changed:
            self.model.all_objects.bulk_update(
                [obj for _item, obj in changed], self.write_fields, batch_size=BATCH
            )
        if tombstoned:
            self.model.all_objects.bulk_update(
                tombstoned,
                ["deleted", "deleted_at", "content_hash", "updated_at"],
                batch_size=BATCH,
            )
        counts.created = sum(1 for item in new if not item.deleted)
        counts.updated = len(changed)
        counts.deleted = len(tombstoned) + sum(1 for item in new if item.deleted)
        written = [(item, pk) for item, pk in zip(new, new_pks, strict=True) if not item.deleted]
        written += [(item, obj.pk) for item, obj in changed]
        return written, counts

    def replace_children(
        self, parent: str, parent_pks: list[int], items: list[Item], now: datetime
    ) -> Counts:
        """Embedded children as a set: upsert these, soft-delete the parent's others."""
        written, counts = self.upsert(items, now)
        keep: dict[int, set[str]] = defaultdict(set)
        for item in items:
            keep[item.fields[f"{parent}_id"]].add(item.oparl_id)
        gone: list[int] = []
        for parent_pk in parent_pks:
            old = self.children.get((parent, parent_pk), set())
            for oid in old - keep[parent_pk]:
                row = self.rows[oid]
                if not row.deleted:
                    row.deleted = True
                    gone.append(row.pk)
            self.children[(parent, parent_pk)] = set(keep[parent_pk])
        if gone:
            self.model.all_objects.filter(pk__in=gone).update(
                deleted=True, deleted_at=now, updated_at=now
            )
        counts.deleted += len(gone)
        del written
        return counts

    def soft_delete_missing(self, seen: set[str], now: datetime) -> int:
        """Full reconciliation: live rows the source no longer lists are marked deleted."""
        gone = [
            row.pk
            for oid, row in self.rows.items()
            if oid not in seen and not row.deleted and not row.placeholder
        ]
        for start in range(0, len(gone), BATCH):
            self.model.all_objects.filter(pk__in=gone[start : start + BATCH]).update(
                deleted=True, deleted_at=now, updated_at=now
            )
        for oid, row in self.rows.items():
            if oid not in seen and not row.placeholder:
                row.deleted = True
        return len(gone)

    def _values(self, item: Item, now: datetime) -> dict[str, Any]:
        return {
            "source_id": self.source.pk,
            "oparl_id": item.oparl_id,
            "content_hash": item.hash,
            "deleted": item.deleted,
            "deleted_at": now if item.deleted else None,
            "is_placeholder": False,
            "created_at": now,
            "updated_at": now,
            **item.fields,
        }

    def _instance(self, item: Item, now: datetime) -> OParlObject:
        values = self._values(item, now)
        del values["created_at"]  # an update keeps the row's creation time
        return self.model(**values)


class Tables:
    """The run's tables by kind, each loaded from the database on first use."""

    def __init__(
        self,
        source: Source,
        specs: dict[str, tuple[type[OParlObject], list[str], tuple[str, ...]]],
    ) -> None:
        self.source = source
        self.specs = specs
        self.loaded: dict[str, Table] = {}

    def __getitem__(self, kind: str) -> Table:
        if kind not in self.loaded:
            model, fields, parents = self.specs[kind]
            self.loaded[kind] = Table(model, self.source, fields, parents=parents)
        return self.loaded[kind]


def replace_m2m(
    through: type[models.Model], owner: str, target: str, pairs: dict[int, set[int]]
) -> None:
    """Replace the many-to-many rows of the given owners (embedded reference lists)."""
    if not pairs:
        return
    owners = list(pairs)
    for start in range(0, len(owners), BATCH):
        through._default_manager.filter(
            **{f"{owner}_id__in": owners[start : start + BATCH]}
        ).delete()
    insert_pairs(
        through,
        owner,
        target,
        [
            (owner_pk, target_pk)
            for owner_pk, targets in pairs.items()
            for target_pk in sorted(targets)
        ],
    )
