"""One sync run of one source: System → Body → organization, meeting and paper lists.

Each list page is written in its own transaction, so an interrupted run keeps what it stored and
the next run (whose content hashes skip everything already there) ends in the same state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from review.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    Meeting,
    Organization,
    Paper,
    Source,
    SyncError,
    SyncRun,
)
from review.operations import metrics
from review.search import indexing as search_indexing

from . import objects
from . import parsing as p
from .adapters import VendorAdapter, choose_adapter, query_encoding
from .attachments import queue_reading
from .client import NotFound, OParlClient, OParlError, format_since, unwrap_list, with_query
from .relevance import RelevanceProfile, import_outcomes
from .tables import Counts, Item, Tables, replace_m2m

logger = logging.getLogger(__name__)

SYNC_LOCKED = "Für diese Quelle läuft bereits eine Synchronisation."
NO_BODY = "Das System nennt keine Körperschaft (Body)."
RUN_INTERRUPTED = "Der Lauf wurde unterbrochen (Prozess beendet) und nicht abgeschlossen."
FILTER_FALLBACK = (
    "Die gefilterte Liste war nicht abrufbar ({error}); sie wurde ungefiltert gelesen."
)
LIMIT_REJECTED = "Der Server lehnt den Parameter limit ab; die Liste wurde ohne limit gelesen."
FULL_SINCE = datetime(1970, 1, 1, tzinfo=UTC)
# (list kind, Body field); persons are not imported.
LISTS = [("organization", "organization"), ("meeting", "meeting"), ("paper", "paper")]
_LOCK_NAMESPACE = 81_7001

Progress = Callable[[str, int], None]


class SyncLocked(Exception):
    pass


@contextmanager
def source_lock(source: Source) -> Iterator[None]:
    """One run per source: a PostgreSQL advisory lock (freed when a killed process's session
    ends), elsewhere a row lock on Source.locked_until that expires after a crash."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, source.pk])
            if not cursor.fetchone()[0]:
                raise SyncLocked(SYNC_LOCKED)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, source.pk])
        return
    now = timezone.now()
    taken = Source.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now), pk=source.pk
    ).update(locked_until=now + timedelta(seconds=settings.OPARL_LOCK_SECONDS))
    if not taken:
        raise SyncLocked(SYNC_LOCKED)
    try:
        yield
    finally:
        Source.objects.filter(pk=source.pk).update(locked_until=None)


def run_sync(source: Source, *, full: bool = False, progress: Progress | None = None) -> SyncRun:
    """Run one sync of `source`; raises SyncLocked if another run holds the source."""
    with source_lock(source):
        SyncRun.objects.filter(source=source, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED, message=RUN_INTERRUPTED, finished_at=timezone.now()
        )
        return Sync(source, full=full, progress=progress).run()


def wants_full(source: Source, now: datetime) -> bool:
    last_full = source.sync_runs.successful().filter(is_full=True).first()
    return last_full is None or last_full.started_at < now - timedelta(hours=source.full_sync_hours)


class Sync:
    def __init__(self, source: Source, *, full: bool, progress: Progress | None) -> None:
        self.source = source
        self.progress = progress
        self.now = timezone.now()
        last_ok = source.sync_runs.successful().first()
        self.full = full or last_ok is None or wants_full(source, self.now)
        since = (
            FULL_SINCE
            if self.full or last_ok is None
            else last_ok.started_at - timedelta(minutes=source.overlap_minutes)
        )
        self.run_log = SyncRun.objects.create(
            source=source, started_at=self.now, is_full=self.full, modified_since=since
        )
        self.since = since
        self.counts = Counts()
        self.client = OParlClient(on_request=self._count_request)
        self.adapter: VendorAdapter
        self.body_pk: int | None = None
        self.aborted = False

    def _count_request(self, url: str) -> None:
        self.run_log.requests += 1

    def error(self, message: str, url: str = "") -> None:
        SyncError.objects.create(run=self.run_log, url=url[:4000], message=message)

    def run(self) -> SyncRun:
        try:
            self._run()
        except OParlError as error:
            self.aborted = True
            self.error(error.message, error.url)
        except Exception as error:  # the run log must say why, whatever happened
            logger.exception("OParl sync of %s failed", self.source)
            self.aborted = True
            self.error(f"Interner Fehler: {type(error).__name__}: {error}")
        finally:
            self.client.close()
        log = self.run_log
        for name in ("created", "updated", "deleted", "unchanged", "failed"):
            setattr(log, name, getattr(self.counts, name))
        log.finished_at = timezone.now()
        if self.aborted:
            log.status = SyncRun.Status.FAILED
        elif self.counts.failed or log.errors.exists():
            log.status = SyncRun.Status.PARTIAL
        else:
            log.status = SyncRun.Status.SUCCESS
        log.save()
        metrics.record_sync(log)
        # What the run wrote becomes searchable now, with fresh planner statistics after a large
        # run; a failure here must not turn a finished sync into a failed one.
        try:
            search_indexing.index_after_sync(log)
        except Exception:
            logger.exception("Search indexing after the sync of %s failed", self.source)
        return log

    def _run(self) -> None:
        system = self.client.get(self.source.system_url)
        if not isinstance(system, dict):
            raise OParlError(NO_BODY, self.source.system_url)
        self.adapter = choose_adapter(self.source, system)
        bodies, _next = _first_page(self.client, system.get("body"))
        body_objects = [b for b in bodies if isinstance(b, dict) and b.get("id")]
        if not body_objects:
            raise OParlError(NO_BODY, self.source.system_url)
        # Loaded on first use: a run whose lists bring nothing new reads no index at all.
        self.tables = Tables(
            self.source,
            {
                "organization": (Organization, objects.ORGANIZATION_FIELDS, ()),
                "meeting": (Meeting, objects.MEETING_FIELDS, ()),
                "agenda_item": (AgendaItem, objects.AGENDA_ITEM_FIELDS, ("meeting",)),
                "paper": (Paper, objects.PAPER_FIELDS, ()),
                "consultation": (Consultation, objects.CONSULTATION_FIELDS, ("paper",)),
                "file": (File, objects.FILE_FIELDS, ("paper", "meeting")),
            },
        )
        self.relevance = RelevanceProfile(self.now)
        # What the lists named, over all bodies of the source; None once a list was not read
        # completely (a 404 "no hits" included), which rules out reconciling that kind.
        self.seen: dict[str, set[str] | None] = {kind: set() for kind, _key in LISTS}
        for body in body_objects:
            self._sync_body(body)
        if self.full:
            self._resolve_placeholders()
            with transaction.atomic():
                for kind, seen in self.seen.items():
                    if seen is not None:
                        self.counts.deleted += self.tables[kind].soft_delete_missing(seen, self.now)

    def _sync_body(self, raw: dict[str, Any]) -> None:
        with transaction.atomic():
            body, _created = Body.all_objects.get_or_create(
                source=self.source, oparl_id=p.ref(raw["id"]), defaults={"name": ""}
            )
            values = {
                "name": p.text(raw.get("name"), 500) or p.text(raw.get("shortName"), 500),
                "short_name": p.text(raw.get("shortName"), 200),
                "ags": p.ags(raw.get("ags")),
                "web": p.url(raw.get("web")),
            }
            if any(getattr(body, k) != v for k, v in values.items()):
                Body.all_objects.filter(pk=body.pk).update(**values, updated_at=self.now)
        self.body_pk = body.pk
        for kind, key in LISTS:
            list_url = p.ref(raw.get(key))
            if kind == "paper":
                self.relevance.load()  # names and meetings of this run's Gremien are in now
            if list_url:
                self._sync_list(kind, list_url)
            else:
                self.seen[kind] = None

    def _resolve_placeholders(self) -> None:
        """Fetch referenced Gremien and meetings that no list contained, on the source's host.

        Only in full runs, and at most OPARL_RESOLVE_LIMIT per run: objects that stay
        unavailable (non-public, 401/404) are asked for once a day, not every 15 minutes.
        """
        host = urlsplit(self.source.system_url).netloc
        budget = settings.OPARL_RESOLVE_LIMIT
        for kind in ("organization", "meeting"):
            table = self.tables[kind]
            wanted = [
                oid
                for oid, row in table.rows.items()
                if row.placeholder and not row.deleted and urlsplit(oid).netloc == host
            ]
            for oid in wanted[: max(budget, 0)]:
                budget -= 1
                try:
                    obj = self.client.get(oid)
                except OParlError:
                    continue
                if isinstance(obj, dict) and p.ref(obj.get("id")) == oid:
                    # It exists at the source, so reconciliation must not delete it.
                    seen = self.seen[kind]
                    self._process_page(kind, [obj], seen if seen is not None else set())

    def _list_url(self, base: str, *, with_since: bool, with_limit: bool) -> str:
        params: dict[str, str] = {}
        encoding = query_encoding(self.source, self.adapter)
        if with_since:
            params["modified_since"] = format_since(self.since, encoding)
        if with_limit and self.source.page_size and self.adapter.sends_limit:
            params["limit"] = str(self.source.page_size)
        return with_query(base, params, encoding)

    def _sync_list(self, kind: str, base: str) -> None:
        seen: set[str] = set()
        use_since, use_limit = True, True
        while True:
            url = self._list_url(base, with_since=use_since, with_limit=use_limit)
            try:
                for page in self.client.pages(url):
                    self._process_page(kind, page, seen)
            except NotFound:
                if use_since and not seen:
                    # Sternberg answers a filtered list without hits with 404.
                    self.seen[kind] = None
                    return
                raise
            except OParlError as error:
                if error.status == 400 and use_limit and self.source.page_size:
                    self.error(LIMIT_REJECTED, error.url)
                    use_limit = False
                    continue
                if use_since and error.status and error.status >= 500 and not seen:
                    # Some hosts answer modified_since with an (HTML) 503: read unfiltered.
                    self.error(FILTER_FALLBACK.format(error=error.message), error.url)
                    use_since = False
                    continue
                raise
            break
        known = self.seen[kind]
        if known is not None:
            known |= seen

    def _process_page(self, kind: str, page: list[Any], seen: set[str]) -> None:
        if not page:
            return
        with transaction.atomic():
            if kind == "organization":
                self._organizations(page, seen)
            elif kind == "meeting":
                self._meetings(page, seen)
            else:
                self._papers(page, seen)
        if self.progress:
            self.progress(kind, len(page))

    def _normalise(self, page: list[Any], build: Callable[[Any], Any], seen: set[str]) -> list[Any]:
        out = []
        for raw in page:
            try:
                data = build(raw)
            except (objects.BadObject, TypeError, ValueError, AttributeError) as error:
                self.counts.failed += 1
                oid = raw.get("id") if isinstance(raw, dict) else ""
                self.error(f"Objekt übersprungen: {error}", str(oid or ""))
                continue
            item = data if isinstance(data, Item) else data.item
            seen.add(item.oparl_id)
            out.append(data)
        return out

    def _organizations(self, page: list[Any], seen: set[str]) -> None:
        items = self._normalise(page, lambda r: objects.organization(r, self.body_pk), seen)
        _written, counts = self.tables["organization"].upsert(items, self.now)
        self.counts.add(counts)

    def _placeholders(self, org_ids: set[str], meeting_ids: set[str]) -> None:
        self.tables["organization"].ensure_placeholders(
            {oid: {"name": _placeholder_name(oid), "body_id": self.body_pk} for oid in org_ids},
            self.now,
        )
        self.tables["meeting"].ensure_placeholders(
            {oid: {"body_id": self.body_pk} for oid in meeting_ids}, self.now
        )

    def _meetings(self, page: list[Any], seen: set[str]) -> None:
        datas: list[objects.MeetingData] = self._normalise(
            page, lambda r: objects.meeting(r, self.body_pk, self.adapter), seen
        )
        self._placeholders({o for d in datas for o in d.organizations}, set())
        written, counts = self.tables["meeting"].upsert([d.item for d in datas], self.now)
        self.counts.add(counts)
        by_id = {d.item.oparl_id: d for d in datas}
        org_table = self.tables["organization"]
        agenda: list[Item] = []
        files: list[Item] = []
        m2m: dict[int, set[int]] = {}
        for item, pk in written:
            data = by_id[item.oparl_id]
            for child in data.agenda_items:
                child.fields["meeting_id"] = pk
                agenda.append(child)
            for child in data.files:
                child.fields.update(meeting_id=pk, paper_id=None)
                files.append(child)
            m2m[pk] = {org_table.rows[o].pk for o in data.organizations}
        meeting_pks = [pk for _item, pk in written]
        self.counts.add(
            self.tables["agenda_item"].replace_children("meeting", meeting_pks, agenda, self.now)
        )
        # Agenda items' files count as the meeting's: written once their items have pks.
        for item, pk in written:
            for agenda_oid, child in by_id[item.oparl_id].agenda_files:
                child.fields.update(
                    meeting_id=pk,
                    paper_id=None,
                    agenda_item_id=self.tables["agenda_item"].pk(agenda_oid),
                )
                files.append(child)
        self.counts.add(
            self.tables["file"].replace_children("meeting", meeting_pks, files, self.now)
        )
        replace_m2m(Meeting.organizations.through, "meeting", "organization", m2m)
        changed_items = [self.tables["agenda_item"].pk(i.oparl_id) for i in agenda]
        import_outcomes(agenda_item_pks=[pk for pk in changed_items if pk], now=self.now)
        self.relevance.meetings_changed(meeting_pks)

    def _papers(self, page: list[Any], seen: set[str]) -> None:
        datas: list[objects.PaperData] = self._normalise(
            page, lambda r: objects.paper(r, self.body_pk, self.adapter), seen
        )
        org_ids = {o for d in datas for o in d.organizations}
        meeting_ids: set[str] = set()
        for d in datas:
            for c in d.consultations:
                org_ids.update(c.organizations)
                if c.meeting:
                    meeting_ids.add(c.meeting)
        self._placeholders(org_ids, meeting_ids)
        meetings = self.tables["meeting"]
        self.tables["agenda_item"].ensure_placeholders(
            {
                c.agenda_item: {"meeting_id": meetings.rows[c.meeting].pk}
                for d in datas
                for c in d.consultations
                if c.agenda_item and c.meeting
            },
            self.now,
        )
        written, counts = self.tables["paper"].upsert([d.item for d in datas], self.now)
        self.counts.add(counts)
        by_id = {d.item.oparl_id: d for d in datas}
        orgs, agenda = self.tables["organization"], self.tables["agenda_item"]
        consultations: list[Item] = []
        files: list[Item] = []
        lead: dict[int, set[int]] = {}
        consulted: dict[str, set[int]] = {}
        for item, pk in written:
            data = by_id[item.oparl_id]
            lead[pk] = {orgs.rows[o].pk for o in data.organizations}
            for c in data.consultations:
                c.item.fields.update(
                    paper_id=pk,
                    meeting_id=meetings.pk(c.meeting) if c.meeting else None,
                    agenda_item_id=agenda.pk(c.agenda_item)
                    if c.meeting and c.agenda_item
                    else None,
                )
                consultations.append(c.item)
                consulted[c.item.oparl_id] = {orgs.rows[o].pk for o in c.organizations}
            for child in data.files:
                child.fields.update(paper_id=pk, meeting_id=None)
                files.append(child)
        paper_pks = [pk for _item, pk in written]
        table = self.tables["consultation"]
        self.counts.add(table.replace_children("paper", paper_pks, consultations, self.now))
        self.counts.add(self.tables["file"].replace_children("paper", paper_pks, files, self.now))
        replace_m2m(Paper.under_direction_of.through, "paper", "organization", lead)
        replace_m2m(
            Consultation.organizations.through,
            "consultation",
            "organization",
            {table.rows[oid].pk: pks for oid, pks in consulted.items()},
        )
        live_papers = {pk: item.fields for item, pk in written}
        self.run_log.reviews_opened += self.relevance.assess_papers(live_papers)
        queue_reading(paper_pks)
        import_outcomes(consultation_pks=[table.rows[oid].pk for oid in consulted], now=self.now)


def _first_page(client: OParlClient, url: Any) -> tuple[list[Any], str | None]:
    list_url = p.ref(url)
    if not list_url:
        return [], None
    return unwrap_list(client.get(list_url))


def _placeholder_name(oparl_id: str) -> str:
    # Shown wherever the Gremium appears until a later run fills in the real name.
    return f"Gremium {oparl_id.rstrip('/').rsplit('/', 1)[-1][:100]} (noch nicht abgerufen)"
