"""`manage.py demo_data`: the demo municipality imported over real HTTP, plus the demo people."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from review.models import File, Organization, Paper, Review, Source, SyncRun, User
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import Progress, run_sync

from . import municipality
from .pdf import one_page_pdf
from .users import create_demo_users

SOURCE_NAME = "Musterstadt (Demo)"
CLERK_COMMITTEES = ("ia", "soz", "jha", "sa")


@dataclass
class DemoSummary:
    run: SyncRun
    papers: int
    reviews: int
    organizations: int


def _org_id(key: str) -> str:
    return f"{municipality.BASE}/organizations/{key}"


def load_demo(*, directory: Path | None = None, progress: Progress | None = None) -> DemoSummary:
    """Write the directory, serve it on a free loopback port and sync it; safe to re-run."""
    directory = directory or Path(settings.BASE_DIR) / "var" / "demo-oparl"
    municipality.write_directory(directory, timezone.localdate())
    server = FixtureServer(directory, page_size=50)
    server.start_in_thread()
    try:
        # The port changes on every run; ids do not, so only the URL is updated.
        source, _created = Source.objects.get_or_create(
            name=SOURCE_NAME, defaults={"system_url": server.system_url}
        )
        Source.objects.filter(pk=source.pk).update(system_url=server.system_url)
        source.refresh_from_db()
        _watch_committees(source)
        run = run_sync(source, full=True, progress=progress)
    finally:
        server.stop()
    create_demo_users()
    _assign_committees()
    _attach_pdfs(source)
    return DemoSummary(
        run=run,
        papers=Paper.objects.filter(source=source).count(),
        reviews=Review.objects.filter(paper__source=source).count(),
        organizations=Organization.objects.filter(source=source, is_placeholder=False).count(),
    )


def _watch_committees(source: Source) -> None:
    """Mark the Beirat and the Integrationsausschuss before the import, so relevance sees them.

    Rows made here are placeholders that the sync fills in; the flags belong to us, not to
    the source, and the sync never overwrites them.
    """
    for key in municipality.WATCHED:
        org, _created = Organization.all_objects.get_or_create(
            source=source,
            oparl_id=_org_id(key),
            defaults={"name": key, "is_placeholder": True},
        )
        org.is_watched = True
        org.is_advisory_council = key == municipality.ADVISORY
        org.save(update_fields=["is_watched", "is_advisory_council"])


def _assign_committees() -> None:
    clerk = User.objects.get(username="gremienbetreuung")
    clerk.organizations.set(
        Organization.objects.filter(oparl_id__in=map(_org_id, CLERK_COMMITTEES))
    )
    beirat = User.objects.get(username="beirat")
    beirat.organizations.set(Organization.objects.filter(oparl_id=_org_id(municipality.ADVISORY)))


def _attach_pdfs(source: Source) -> int:
    """A generated PDF for each demo attachment that has none yet.

    The demo RIS's file URLs do not exist; with `content` set the office's and the Beirat's
    download links serve this file instead. Files that already have one are left alone.
    """
    attached = 0
    files = File.objects.filter(paper__source=source, content="").select_related("paper")
    for attachment in files:
        paper = attachment.paper
        assert paper is not None  # the filter above follows the paper
        data = one_page_pdf(
            f"{paper.reference} – {paper.name}",
            [
                f"{paper.paper_type} der Stadt Musterstadt (Demo).",
                "Diese Datei wurde für die Demo erzeugt; sie ersetzt die Anlage im "
                "Ratsinformationssystem.",
            ],
        )
        name = attachment.file_name or f"{paper.reference.replace('/', '-')}.pdf"
        attachment.content.save(name, ContentFile(data), save=False)
        File.objects.filter(pk=attachment.pk).update(content=attachment.content.name)
        attached += 1
    return attached
