"""The OParl sync's log (runs and their errors) and the office's keyword profile."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .oparl import Source
from .reviews import Topic


class SyncRunQuerySet(models.QuerySet["SyncRun"]):
    def successful(self) -> SyncRunQuerySet:
        return self.filter(status=SyncRun.Status.SUCCESS)


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCESS = "success", _("successful")
        PARTIAL = "partial", _("finished with errors")
        FAILED = "failed", _("aborted")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="sync_runs", verbose_name=_("Quelle")
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    is_full = models.BooleanField(_("Vollabgleich"), default=False)
    modified_since = models.DateTimeField(_("geändert seit"), null=True, blank=True)
    started_at = models.DateTimeField(_("Beginn"), db_index=True)
    finished_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    created = models.PositiveIntegerField(_("neu"), default=0)
    updated = models.PositiveIntegerField(_("geändert"), default=0)
    deleted = models.PositiveIntegerField(_("gelöscht"), default=0)
    unchanged = models.PositiveIntegerField(_("unverändert"), default=0)
    failed = models.PositiveIntegerField(_("fehlerhaft"), default=0)
    reviews_opened = models.PositiveIntegerField(_("neue Vorgänge"), default=0)
    requests = models.PositiveIntegerField(_("HTTP-Anfragen"), default=0)
    message = models.TextField(_("Meldung"), blank=True)

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("Synchronisationslauf")
        verbose_name_plural = _("Synchronisationsläufe")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%d.%m.%Y %H:%M} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SyncError(models.Model):
    run = models.ForeignKey(
        SyncRun, on_delete=models.CASCADE, related_name="errors", verbose_name=_("Lauf")
    )
    url = models.TextField(_("URL"), blank=True)
    message = models.TextField(_("Meldung"))
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Synchronisationsfehler")
        verbose_name_plural = _("Synchronisationsfehler")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.message[:120]


class KeywordTerm(models.Model):
    """One entry of the office's keyword profile: a term, its German word forms and a weight.

    How forms match (review/oparl/matching.py): inside compounds and with any ending, so
    "Flüchtling" finds "Flüchtlingsunterkunft"; a form starting with "=" matches the whole
    word only. A negative context cancels a match next to it ("Integration" near "Tarif")."""

    class Strength(models.TextChoices):
        STRONG = "strong", _("strong: counts on its own")
        WEAK = "weak", _("weak: counts only next to a strong term")

    term = models.CharField(_("Begriff"), max_length=100, unique=True)
    word_forms = models.TextField(
        _("Wortformen"),
        blank=True,
        help_text=_(
            "Weitere Schreibweisen und Wortformen, eine pro Zeile oder durch Komma getrennt. "
            "Ein * am Ende steht für beliebige Endungen (z. B. „Geflüchtete*“)."
        ),
    )
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"), default=20, help_text=_("Punkte (0–100), die ein Treffer beiträgt.")
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="keywords",
        verbose_name=_("Handlungsfeld"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    strength = models.CharField(
        _("Strength"), max_length=10, choices=Strength.choices, default=Strength.STRONG
    )
    negative_contexts = models.TextField(
        _("Negative contexts"),
        blank=True,
        help_text=_(
            "Words that cancel a match in the same word or close to it, one per line or "
            "separated by commas (e.g. “Tarif, Software, Server” for “Integration”)."
        ),
    )

    class Meta:
        verbose_name = _("Stichwort")
        verbose_name_plural = _("Stichwortprofil")
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__lte=100), name="keywordterm_weight_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.term

    def forms(self) -> list[str]:
        """The term and its word forms, stripped, without empties."""
        return _split([self.term, *_split([self.word_forms])])

    def negatives(self) -> list[str]:
        return _split([self.negative_contexts])

    @property
    def is_weak(self) -> bool:
        return self.strength == self.Strength.WEAK


def _split(values: list[str]) -> list[str]:
    raw = [line for value in values for line in value.replace(",", "\n").splitlines()]
    return [form.strip() for form in raw if form.strip()]


class RelevanceModelQuerySet(models.QuerySet["RelevanceModel"]):
    def latest_trained(self) -> RelevanceModel | None:
        return self.order_by("-trained_at", "-id").first()


class RelevanceModel(models.Model):
    """A classifier trained on the office's triage decisions (review/oparl/learning.py).

    Stored in the database so that the web processes and every worker read the same model;
    the beat job writes a new row and removes older ones."""

    trained_at = models.DateTimeField(_("Trained at"), db_index=True)
    positives = models.PositiveIntegerField(_("Relevant decisions"))
    negatives = models.PositiveIntegerField(_("Not-affected decisions"))
    size_bytes = models.PositiveIntegerField(_("Size (bytes)"))
    # A pickled scikit-learn pipeline written by our own beat job, never uploaded.
    data = models.BinaryField(_("Model"))

    objects = RelevanceModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("Relevance model")
        verbose_name_plural = _("Relevance models")
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"{self.trained_at:%d.%m.%Y %H:%M} ({self.positives}/{self.negatives})"
