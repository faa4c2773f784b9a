"""Filters of the list of all reviews (Vorgänge): a form that validates the query string."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from review.models import Organization, Review, Role, Topic, User
from review.models.expressions import ConstantQuery
from review.models.reviews import ReviewQuerySet

UNASSIGNED = "keine"
DEADLINE_WINDOWS = [
    ("", _("all")),
    ("ueberfaellig", _("overdue")),
    ("7", _("due within 7 days")),
    ("30", _("due within 30 days")),
    ("ohne", _("no deadline")),
]
RELEVANCE_BANDS = {
    "hoch": (70, 100),
    "mittel": (40, 69),
    "niedrig": (0, 39),
}


OFFICE_PEOPLE = ConstantQuery(
    lambda: (
        User.objects.filter(groups__name__in=[Role.OFFICER.value, Role.HEAD.value], is_active=True)
        .distinct()
        .values_list("pk", "first_name", "last_name", "username")
    )
)


def _office_people() -> list[tuple[str, object]]:
    return [("", _("all")), (UNASSIGNED, _("nobody assigned"))] + [
        # As User.__str__ shows a person: the full name, else the username.
        (str(pk), f"{first} {last}".strip() or username)
        for pk, first, last, username in OFFICE_PEOPLE.rows()
    ]


def organization_label(name: str, short_name: str) -> str:
    if short_name and short_name != name:
        return f"{name} ({short_name})"
    return name


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return organization_label(obj.name, obj.short_name)


class ReviewFilterForm(forms.Form):
    # The query parameters stay German: people share and bookmark these links.
    PARAMETERS: ClassVar[dict[str, str]] = {
        "deadline": "frist",
        "organization": "gremium",
        "assignee": "bearbeitung",
        "relevance": "relevanz",
        "topic": "thema",
    }

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all open")), *Review.Status.choices]
    )
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=DEADLINE_WINDOWS)
    organization = OrganizationChoiceField(
        label=_("Committee"),
        required=False,
        # Sorted by the label shown: the full name (the short name alone is unexplained).
        queryset=Organization.objects.order_by("name", "pk"),
        empty_label=_("all"),
    )
    assignee = forms.ChoiceField(label=_("Officer in charge"), required=False)
    relevance = forms.ChoiceField(
        label=_("Relevance"),
        required=False,
        choices=[
            ("", _("all")),
            ("hoch", _("high (70 and above)")),
            ("mittel", _("medium (40–69)")),
            ("niedrig", _("low (below 40)")),
        ],
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("all"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        fields: dict[str, Any] = self.fields
        # The options as tuples of the columns they show, not as model instances; the fields
        # still validate a choice against their querysets.
        fields["assignee"].choices = _office_people()
        organizations = ORGANIZATIONS.rows()
        fields["organization"].choices = [
            ("", fields["organization"].empty_label),
            *((str(pk), organization_label(name, short)) for pk, name, short in organizations),
        ]
        fields["topic"].choices = [("", fields["topic"].empty_label), *TOPICS.rows()]

    def add_prefix(self, field_name: str) -> str:
        """The field's query parameter (its name in the page and in the link)."""
        return self.PARAMETERS.get(field_name, field_name)

    def filter(self, reviews: ReviewQuerySet, today: date) -> ReviewQuerySet:
        if not self.is_valid():
            return reviews.open()
        data = self.cleaned_data
        reviews = reviews.filter(status=data["status"]) if data["status"] else reviews.open()
        window = data["deadline"]
        if window == "ueberfaellig":
            reviews = reviews.filter(deadline__lt=today)
        elif window in {"7", "30"}:
            reviews = reviews.filter(
                deadline__gte=today, deadline__lte=today + timedelta(days=int(window))
            )
        elif window == "ohne":
            reviews = reviews.filter(deadline__isnull=True)
        if data["organization"] is not None:
            # A subquery instead of a join: no duplicate rows, no DISTINCT over the whole list.
            reviews = reviews.filter(
                paper__in=Organization.objects.filter(pk=data["organization"].pk).values(
                    "consultations__paper"
                )
            )
        assignee = data["assignee"]
        if assignee == UNASSIGNED:
            reviews = reviews.filter(assignee__isnull=True)
        elif assignee:
            reviews = reviews.filter(assignee_id=int(assignee))
        if data["relevance"]:
            low, high = RELEVANCE_BANDS[data["relevance"]]
            reviews = reviews.filter(relevance_score__gte=low, relevance_score__lte=high)
        if data["topic"] is not None:
            reviews = reviews.filter(Q(topics=data["topic"]))
        return reviews


ORGANIZATIONS = ConstantQuery(
    lambda: ReviewFilterForm.base_fields["organization"].queryset.values_list(  # type: ignore[attr-defined]
        "pk", "name", "short_name"
    )
)
TOPICS = ConstantQuery(
    lambda: ReviewFilterForm.base_fields["topic"].queryset.values_list("slug", "name")  # type: ignore[attr-defined]
)
