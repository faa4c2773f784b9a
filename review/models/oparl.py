"""Council data, mirroring OParl 1.0/1.1 where it overlaps (see docs/oparl in the README).

Objects imported from an OParl source carry their id URL (`oparl_id`, unique per source) and the
source's `created`/`modified` times; objects entered by hand have neither. Rows are never removed:
tombstones and manual deletions only set `deleted`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .expressions import CompiledQuery, Joined, joined_names

# Sorts a meeting without a start before every dated one.
DATE_UNKNOWN = datetime.min.replace(tzinfo=UTC)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .people import User


class Source(models.Model):
    """An OParl endpoint (System URL), e.g. a county and each of its towns.

    The settings below exist because real endpoints disagree on details (see docs/oparl-sync.md).
    """

    class QueryEncoding(models.TextChoices):
        AUTO = "", _("automatisch (nach Hersteller)")
        PERCENT = "percent", _("Prozentkodiert, mit Zeitzone")
        PLAIN_UTC = "plain_utc", _("Unkodiert in UTC mit „Z“ (für SessionNet)")

    class Adapter(models.TextChoices):
        AUTO = "", _("automatisch (aus System.vendor/product)")
        GENERIC = "generic", _("allgemein")
        STERNBERG = "sternberg", _("Sternberg SD.NET")
        SESSIONNET = "sessionnet", _("Somacos SessionNet")
        ALLRIS = "allris", _("CC e-gov ALLRIS")
        RUBIN = "rubin", _("more! rubin")

    name = models.CharField(_("Name"), max_length=200)
    system_url = models.URLField(_("System-URL"), max_length=2000, unique=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    query_encoding = models.CharField(
        _("Kodierung von modified_since"),
        max_length=20,
        choices=QueryEncoding.choices,
        default=QueryEncoding.AUTO,
        blank=True,
    )
    overlap_minutes = models.PositiveIntegerField(
        _("Überlappung (Minuten)"),
        default=24 * 60,
        help_text=_("modified_since = Beginn des letzten erfolgreichen Laufs minus diese Zeit."),
    )
    page_size = models.PositiveIntegerField(
        _("Seitengröße (limit)"),
        null=True,
        blank=True,
        help_text=_("Leer: kein limit-Parameter (manche Server antworten darauf mit 400)."),
    )
    full_sync_hours = models.PositiveIntegerField(_("Vollabgleich alle … Stunden"), default=24)
    adapter = models.CharField(
        _("Hersteller-Anpassung"),
        max_length=20,
        choices=Adapter.choices,
        default=Adapter.AUTO,
        blank=True,
    )
    # Row-based lock for databases without advisory locks (SQLite); expires after a crash.
    locked_until = models.DateTimeField(_("gesperrt bis"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("OParl-Quelle")
        verbose_name_plural = _("OParl-Quellen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SoftDeleteQuerySet(models.QuerySet):
    def live(self) -> SoftDeleteQuerySet:
        return self.filter(deleted=False)

    def tombstones(self) -> SoftDeleteQuerySet:
        return self.filter(deleted=True)

    def soft_delete(self) -> int:
        return self.update(deleted=True, deleted_at=timezone.now())


class LiveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The default manager: soft-deleted rows are invisible unless asked for."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted=False)


AllObjectsManager = models.Manager.from_queryset(SoftDeleteQuerySet)


class OParlObject(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Quelle")
    )
    # OParl ids are URLs and may exceed 255 characters, hence TextField.
    oparl_id = models.TextField(_("OParl-ID"), null=True, blank=True)
    oparl_created = models.DateTimeField(_("erstellt (Quelle)"), null=True, blank=True)
    oparl_modified = models.DateTimeField(_("geändert (Quelle)"), null=True, blank=True)
    web = models.URLField(_("Web-Adresse"), max_length=2000, blank=True)
    # A placeholder stands for an object that was referenced but not (yet) fetched.
    is_placeholder = models.BooleanField(_("Platzhalter"), default=False)
    deleted = models.BooleanField(_("gelöscht"), default=False)
    deleted_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)
    # SHA-1 of the normalised source object: a sync skips rows whose hash did not change.
    content_hash = models.CharField(_("Prüfsumme"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aktualisiert"), auto_now=True)

    objects: ClassVar[LiveManager] = LiveManager()
    all_objects: ClassVar[models.Manager] = AllObjectsManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_manual(self) -> bool:
        return self.oparl_id is None

    def soft_delete(self) -> None:
        self.deleted = True
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted", "deleted_at", "updated_at"])

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        # Reviews and statements refer to these rows; a delete only ever marks them.
        self.soft_delete()
        return (0, {})


def _oparl_constraints(name: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["source", "oparl_id"],
            condition=Q(oparl_id__isnull=False),
            name=f"{name}_unique_oparl_id_per_source",
        ),
        models.CheckConstraint(
            condition=Q(oparl_id__isnull=True) | Q(source__isnull=False),
            name=f"{name}_oparl_id_needs_source",
        ),
        models.CheckConstraint(
            condition=Q(deleted=False) | Q(deleted_at__isnull=False),
            name=f"{name}_deleted_has_time",
        ),
    ]


class Body(OParlObject):
    name = models.CharField(_("Name"), max_length=500)
    short_name = models.CharField(_("Kurzname"), max_length=200, blank=True)
    ags = models.CharField(_("Gemeindeschlüssel"), max_length=20, blank=True)

    class Meta(OParlObject.Meta):
        verbose_name = _("Körperschaft")
        verbose_name_plural = _("Körperschaften")
        constraints = _oparl_constraints("body")

    def __str__(self) -> str:
        return self.name


class Organization(OParlObject):
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("Körperschaft"),
    )
    name = models.CharField(_("Name"), max_length=500)
    short_name = models.CharField(_("Kurzname"), max_length=200, blank=True)
    organization_type = models.CharField(_("Art"), max_length=200, blank=True)
    classification = models.CharField(_("Klassifizierung"), max_length=200, blank=True)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    # Watched Gremien (Ausländerbeirat, Integrationsausschuss) make a paper relevant on import.
    is_watched = models.BooleanField(
        _("beobachtet"),
        default=False,
        help_text=_(
            "Vorlagen, die in diesem Gremium beraten werden, gelten als möglicherweise relevant."
        ),
    )
    is_advisory_council = models.BooleanField(
        _("ist der Ausländer-/Integrationsbeirat"), default=False
    )
    email = models.EmailField(_("E-Mail der Geschäftsstelle"), blank=True)
    # Our setting, not OParl's: the committee's office wants statements as Word files too.
    wants_docx = models.BooleanField(_("Stellungnahmen auch als Word-Datei"), default=False)

    class Meta(OParlObject.Meta):
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["name"]
        constraints = _oparl_constraints("organization")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """ "Integrationsausschuss (IA)": clerks and the Beirat do not know the office's
        abbreviations, so the full name comes first and the abbreviation only in parentheses."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class Meeting(OParlObject):
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("Körperschaft"),
    )
    name = models.CharField(_("Name"), max_length=500, blank=True)
    meeting_state = models.CharField(_("Status"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("abgesagt"), default=False)
    start = models.DateTimeField(_("Beginn"), null=True, blank=True, db_index=True)
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    location = models.CharField(_("Ort"), max_length=500, blank=True)
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="meetings", verbose_name=_("Gremien")
    )

    class Meta(OParlObject.Meta):
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["start"]
        constraints = [
            *_oparl_constraints("meeting"),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.start).strftime("%d.%m.%Y") if self.start else "?"
        return f"{self.name} ({when})"


class AgendaItem(OParlObject):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("Sitzung")
    )
    number = models.CharField(_("TOP-Nr."), max_length=100, blank=True)
    order = models.IntegerField(_("Reihenfolge"), default=0)
    name = models.TextField(_("Titel"), blank=True)
    public = models.BooleanField(_("öffentlich"), default=True)
    result = models.CharField(_("Ergebnis"), max_length=500, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)

    class Meta(OParlObject.Meta):
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "order"]
        constraints = _oparl_constraints("agendaitem")

    def __str__(self) -> str:
        return f"TOP {self.number} {self.name}"[:120]


class PaperQuerySet(SoftDeleteQuerySet):
    pass

    def visible_to(self, user: User | AnonymousUser) -> PaperQuerySet:
        """The office sees every paper; committee clerks only the public papers consulted in
        their own committees (ids are sequential, so a detail page must not trust the URL)."""
        if user.has_perm("review.view_review"):
            return self
        if not user.is_authenticated:
            return self.none()
        consulted = Consultation.objects.filter(organizations__in=user.organizations.all())
        return self.filter(is_public=True, pk__in=consulted.values("paper_id"))


class PaperManager(LiveManager.from_queryset(PaperQuerySet)):  # type: ignore[misc]
    pass


class Paper(OParlObject):
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("Körperschaft"),
    )
    name = models.TextField(_("Titel"))
    reference = models.CharField(_("Vorlagen-Nr."), max_length=200, blank=True, db_index=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    paper_type = models.CharField(_("Vorlagenart"), max_length=200, blank=True)
    under_direction_of = models.ManyToManyField(
        Organization, blank=True, related_name="led_papers", verbose_name=_("federführend")
    )
    originator = models.CharField(_("Einreicher"), max_length=500, blank=True)
    # Non-public drafts exist only as manual entries; OParl publishes public papers only.
    is_public = models.BooleanField(_("öffentlich"), default=True)

    objects: ClassVar[PaperManager] = PaperManager()
    all_objects: ClassVar[models.Manager] = models.Manager.from_queryset(PaperQuerySet)()

    class Meta(OParlObject.Meta):
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        # Undated papers last (PostgreSQL sorts NULL first in descending order).
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        constraints = _oparl_constraints("paper")

    def __str__(self) -> str:
        return f"{self.reference} {self.name}".strip()[:200]

    def imported_decision(self) -> tuple[str, str] | None:
        """The committee's result and resolution text as the sync brought them: the deciding
        (authoritative) consultation first, then the latest meeting; None without a result.
        The choice the sync makes when it copies a decision onto an existing case
        (review/oparl/relevance.py); a case opened after the sync finds it here."""
        rows = (
            Consultation.objects.filter(paper=self, agenda_item__isnull=False)
            .exclude(agenda_item__result="")
            .values_list(
                "authoritative",
                "agenda_item__meeting__start",
                "agenda_item__result",
                "agenda_item__resolution_text",
            )
        )
        best = max(
            rows,
            key=lambda row: (bool(row[0]), row[1] is not None, row[1] or DATE_UNKNOWN),
            default=None,
        )
        return (best[2], best[3]) if best is not None else None

    def decision_files(self) -> models.QuerySet[File]:
        """Files of the agenda items under which the paper was discussed: the decision document
        (OParl resolutionFile) first, then the items' attachments."""
        return (
            File.objects.filter(
                agenda_item__consultations__paper=self, agenda_item__consultations__deleted=False
            )
            .distinct()
            .order_by("-is_resolution_file", "name", "id")
        )

    @property
    def file_stem(self) -> str:
        """The reference as it can stand in a file name: "V2345/24" → "V2345-24"."""
        cleaned = "".join(c if c.isalnum() else "-" for c in self.reference or f"P{self.pk}")
        return "-".join(part for part in cleaned.split("-") if part)

    def upcoming_consultations(self) -> models.QuerySet[Consultation]:
        return self.consultations.filter(
            meeting__start__gte=timezone.now(), meeting__cancelled=False
        ).order_by("meeting__start")


class ConsultationQuerySet(SoftDeleteQuerySet):
    def for_display(self) -> ConsultationQuerySet:
        """The Beratungsfolge as pages show it (review/papers/_consultations.html): only the
        columns shown, the committees' names read in the same query."""
        return (
            self.select_related("meeting", "agenda_item")
            .only(
                *SHOWN_STEP_COLUMNS,
                *(f"meeting__{name}" for name in SHOWN_MEETING.fields),
                *(f"agenda_item__{name}" for name in SHOWN_AGENDA_ITEM.fields),
            )
            .annotate(committee_names=joined_names(Consultation.organizations, Consultation))
            .prefetch_related(
                models.Prefetch(
                    "agenda_item__files", queryset=_resolution_files(), to_attr="resolution_files"
                )
            )
            .order_by("order", "id")
        )


def _resolution_files() -> models.QuerySet[File]:
    return File.objects.filter(is_resolution_file=True)


def consultations_of_paper(paper_id: int) -> list[Consultation]:
    """`for_display()` of one paper, from a statement compiled once per process: the case page
    asks for its paper's Beratungsfolge on every visit, and building the query with its joins
    cost more than running it. The resolution files only where an agenda item has some."""
    steps = _SHOWN_STEPS.all(paper_id)
    for step in steps:
        SHOWN_MEETING.attach(step)
        SHOWN_AGENDA_ITEM.attach(step)
    if items := [step.agenda_item for step in steps if step.agenda_item is not None]:
        models.prefetch_related_objects(
            items,
            models.Prefetch("files", queryset=_resolution_files(), to_attr="resolution_files"),
        )
    return steps


class ConsultationManager(LiveManager.from_queryset(ConsultationQuerySet)):  # type: ignore[misc]
    pass


class Consultation(OParlObject):
    """One step of a paper's Beratungsfolge."""

    class Role(models.TextChoices):
        PRELIMINARY = "Vorberatung", _("Vorberatung")
        HEARING = "Anhörung", _("Anhörung")
        RECOMMENDATION = "Empfehlung", _("Empfehlung")
        DECISION = "Entscheidung", _("Entscheidung")
        NOTICE = "Kenntnisnahme", _("Kenntnisnahme")

    paper = models.ForeignKey(
        Paper, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("Vorlage")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("Sitzung"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("Tagesordnungspunkt"),
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="consultations", verbose_name=_("Gremien")
    )
    # OParl's role is free text; the choices above are the usual values, not a constraint.
    role = models.CharField(_("Rolle"), max_length=200, blank=True)
    authoritative = models.BooleanField(_("beschließend"), default=False)
    order = models.IntegerField(_("Reihenfolge"), default=0)

    objects: ClassVar[ConsultationManager] = ConsultationManager()
    all_objects: ClassVar[models.Manager] = models.Manager.from_queryset(ConsultationQuerySet)()

    class Meta(OParlObject.Meta):
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungsfolge")
        ordering = ["paper", "order", "id"]
        constraints = _oparl_constraints("consultation")

    def __str__(self) -> str:
        # Known roles (Role's labels) in the reader's language; others as the source has them.
        return f"{self.paper.reference}: {gettext(self.role) if self.role else ''}"


class FileQuerySet(SoftDeleteQuerySet):
    def text_pending(self) -> FileQuerySet:
        return self.filter(deleted=False, text_status=File.TextStatus.PENDING)


class FileManager(LiveManager.from_queryset(FileQuerySet)):  # type: ignore[misc]
    pass


class File(OParlObject):
    """Attachment metadata (Anlage). Manual entries keep the uploaded PDF in `content`.

    `text` is the attachment's text, read once for relevance and search: OParl's File.text when
    the source sends it, else extracted from the downloaded PDF (review/oparl/attachments.py);
    pages are separated by form feeds ("\\f") as pdftotext writes them."""

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("not read yet")
        FROM_SOURCE = "from_source", _("text sent by the source")
        EXTRACTED = "extracted", _("text extracted")
        SCANNED = "scanned", _("scanned, no text layer")
        TOO_LARGE = "too_large", _("too large to read")
        FOREIGN_HOST = "foreign_host", _("on another server, not downloaded")
        UNSUPPORTED = "unsupported", _("not a PDF")
        FAILED = "failed", _("could not be read")

    paper = models.ForeignKey(
        Paper,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Vorlage"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Sitzung"),
    )
    # Files of an agenda item (OParl resolutionFile, auxiliaryFile) also carry the meeting:
    # they are the meeting's embedded children for the sync.
    agenda_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Tagesordnungspunkt"),
    )
    is_main_file = models.BooleanField(_("Hauptdokument"), default=False)
    is_resolution_file = models.BooleanField(_("Beschlussdokument"), default=False)
    name = models.CharField(_("Name"), max_length=500, blank=True)
    file_name = models.CharField(_("Dateiname"), max_length=500, blank=True)
    mime_type = models.CharField(_("MIME-Typ"), max_length=200, blank=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    size = models.BigIntegerField(_("Größe (Bytes)"), null=True, blank=True)
    access_url = models.URLField(_("Zugriffs-URL"), max_length=2000, blank=True)
    download_url = models.URLField(_("Download-URL"), max_length=2000, blank=True)
    content = models.FileField(_("Datei"), upload_to="papers/%Y/%m/", blank=True)
    # The search engineer indexes `text`; do not rename (contract in issue #13).
    text = models.TextField(_("Text"), blank=True, default="", db_default="")
    text_status = models.CharField(
        _("Text status"),
        max_length=20,
        choices=TextStatus.choices,
        default=TextStatus.PENDING,
        db_default=TextStatus.PENDING,
        db_index=True,
    )
    text_error = models.CharField(_("Text error"), max_length=500, blank=True, default="")
    text_extracted_at = models.DateTimeField(_("Text read at"), null=True, blank=True)

    objects: ClassVar[FileManager] = FileManager()
    all_objects: ClassVar[models.Manager] = models.Manager.from_queryset(FileQuerySet)()

    class Meta(OParlObject.Meta):
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["-is_main_file", "name"]
        constraints = [
            *_oparl_constraints("file"),
            models.CheckConstraint(
                condition=Q(size__isnull=True) | Q(size__gte=0), name="file_size_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.file_name or str(self.pk)

    @property
    def has_text(self) -> bool:
        return self.text_status in (self.TextStatus.FROM_SOURCE, self.TextStatus.EXTRACTED)

    def page_of(self, position: int) -> int:
        """The page (from 1) a position in `text` lies on."""
        return self.text.count("\f", 0, position) + 1

    @property
    def url(self) -> str:
        if self.content:
            return self.content.url
        return self.download_url or self.access_url


# What review/papers/_consultations.html shows of a step of the Beratungsfolge.
SHOWN_STEP_COLUMNS = ("paper_id", "role", "authoritative", "order")
SHOWN_MEETING = Joined("meeting", Meeting, ("start", "cancelled"))
SHOWN_AGENDA_ITEM = Joined("agenda_item", AgendaItem, ("result",))
_SHOWN_STEPS: CompiledQuery[Consultation] = CompiledQuery(
    lambda paper: (
        Consultation.objects.filter(paper_id=paper)
        .only(*SHOWN_STEP_COLUMNS, "meeting", "agenda_item")
        .annotate(
            committee_names=joined_names(Consultation.organizations, Consultation),
            **SHOWN_MEETING.annotations(),
            **SHOWN_AGENDA_ITEM.annotations(),
        )
        .order_by("order", "id")
    )
)
