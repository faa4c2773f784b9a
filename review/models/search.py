"""The search index: one row per thing the search finds, its text already analysed.

Rows are derived data (review/search/indexing.py writes them); the records they describe stay
the truth. On PostgreSQL migration 0012 adds a generated tsvector column `vector` over
`title_terms` (weight A) and `body_terms` (weight B) with a GIN index, and a trigram index on
`SearchTerm.term`; on SQLite the same columns are matched with LIKE.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .oparl import Organization, Paper
from .reviews import Review, Topic


class SearchEntryQuerySet(models.QuerySet["SearchEntry"]):
    def of_kinds(self, kinds: list[str]) -> SearchEntryQuerySet:
        return self.filter(kind__in=kinds)

    def with_reference(self, key: str) -> SearchEntryQuerySet:
        """Rows whose Vorlage number has this key; a key without a year matches the number in
        every year."""
        if "/" in key:
            return self.filter(reference_key=key)
        return self.filter(reference_number=int(key))


class SearchEntryManager(models.Manager.from_queryset(SearchEntryQuerySet)):  # type: ignore[misc]
    pass


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Council paper")
        CASE = "case", _("Case")
        MEETING = "meeting", _("Meeting")
        ORGANIZATION = "organization", _("Committee")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("object"))
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.TextField(_("title"))
    # Plain text the snippet is taken from (shortened; the terms below cover all of it).
    text = models.TextField(_("text"), blank=True)
    reference = models.CharField(_("Vorlagen-Nr."), max_length=200, blank=True)
    # "2025/576" for any way of writing the number (analysis.reference_key), and the number
    # alone for a query without a year.
    reference_key = models.CharField(max_length=40, blank=True, db_index=True)
    reference_number = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    # Analysed terms, space separated with a space at both ends (SQLite matches " term ").
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    paper_type = models.CharField(_("Vorlagenart"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    shared_with_beirat = models.BooleanField(default=False)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")

    objects: ClassVar[SearchEntryManager] = SearchEntryManager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search index")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique"),
            models.CheckConstraint(
                condition=~Q(kind="case") | Q(review__isnull=False),
                name="searchentry_case_has_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"[:200]

    @property
    def status_label(self) -> str:
        """The case status as the case pages name it ("" for other kinds)."""
        if self.status in Review.Status.values:
            return str(Review.Status(self.status).label)
        return ""


class SearchTerm(models.Model):
    """Every term in the index once: the vocabulary a misspelt word is compared with."""

    term = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.term


class SearchSynonym(models.Model):
    """Words the office counts as the same in a search ("Kita, Kindertagesstätte, Kindergarten").
    A search for any of them finds all of them."""

    words = models.TextField(
        _("words"),
        help_text=_(
            "Words or phrases that mean the same, separated by commas, e.g. “Kita, "
            "Kindertagesstätte, Kindergarten”. Applies to the next search, no re-indexing needed."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["words"]

    def __str__(self) -> str:
        return self.words[:100]

    def phrases(self) -> list[str]:
        return [p.strip() for p in self.words.replace("\n", ",").split(",") if p.strip()]
