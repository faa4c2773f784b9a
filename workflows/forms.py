"""Forms of the workflow steps (German labels; the services validate the business rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from review.models import Contribution, Recommendation, Review, Role, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.OFFICER.value, Role.HEAD.value])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# Django's default "- Select an option -" has no German translation in Django's own catalogue.
EMPTY_LABEL = "– bitte wählen –"


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", EMPTY_LABEL)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        label = obj.get_full_name() or obj.username
        if obj.is_absent():
            label += " (abwesend)"
        return label


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class TriageForm(forms.Form):
    RELEVANT = "relevant"
    NOT_AFFECTED = "not_affected"
    decision = forms.ChoiceField(
        label="Ergebnis der Sichtung",
        choices=[
            (RELEVANT, "Betroffen – Stellungnahme erarbeiten"),
            (NOT_AFFECTED, "Keine Betroffenheit"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Begründung (eine Zeile)",
        max_length=500,
        required=False,
        help_text="Pflicht bei „Keine Betroffenheit“; bleibt im Vorgang durchsuchbar.",
    )
    note_document = forms.BooleanField(
        label="Kurzvermerk „Keine Betroffenheit“ als Dokument erzeugen", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.NOT_AFFECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Bitte geben Sie eine kurze Begründung an.")
        return data


class AssignForm(forms.Form):
    assignee = PersonChoiceField(label="Sachbearbeitung", queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff().filter(groups__name=Role.OFFICER.value)  # type: ignore[attr-defined]


class StatementForm(forms.Form):
    facts = forms.CharField(
        label="Sachverhalt",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Was die Vorlage will.",
    )
    assessment = forms.CharField(
        label="Bewertung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Aus Sicht der Integration: wer ist betroffen, was folgt daraus?",
    )
    recommendation = forms.ChoiceField(
        label="Empfehlung/Votum",
        required=False,
        choices=[("", "– noch offen –"), *Recommendation.choices],
    )
    recommendation_text = forms.CharField(
        label="Begründung der Empfehlung", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProposalForm(forms.Form):
    location = forms.CharField(label="Stelle in der Vorlage", max_length=300, required=False)
    proposal = forms.CharField(
        label="Vorschlag", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Begründung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


ProposalFormSet = forms.formset_factory(ProposalForm, extra=1, max_num=50, absolute_max=60)


class ConsultationForm(forms.Form):
    share_with_beirat = forms.BooleanField(
        label="Dem Ausländerbeirat zur Abstimmung vorlegen", required=False
    )
    contributors = PeopleChoiceField(
        label="Beiträge erbitten von",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label="Art der Beteiligung",
        choices=Contribution.Kind.choices,
        initial=Contribution.Kind.CONTRIBUTION,
    )
    due_date = forms.DateField(label="Frist der Beteiligung", required=False, widget=DATE)

    def __init__(self, *args: Any, exclude: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = staff()
        if exclude is not None:
            people = people.exclude(pk=exclude.pk)
        self.fields["contributors"].queryset = people  # type: ignore[attr-defined]


class ApprovalForm(forms.Form):
    APPROVE = "approve"
    SEND_BACK = "send_back"
    decision = forms.ChoiceField(
        label="Schlusszeichnung",
        choices=[(APPROVE, "Freigeben"), (SEND_BACK, "Zur Überarbeitung zurückgeben")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Begründung der Rückgabe",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pflicht bei Rückgabe.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.SEND_BACK and not (data.get("reason") or "").strip():
            self.add_error("reason", "Bitte begründen Sie die Rückgabe.")
        return data


class OutcomeForm(forms.Form):
    decision_result = forms.CharField(label="Beschluss des Gremiums", max_length=500)
    decision_text = forms.CharField(
        label="Beschlusstext", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(
        label="Verglichen mit unserer Empfehlung",
        choices=[c for c in Review.Outcome.choices if c[0]],
        widget=forms.RadioSelect,
    )


class ContributionAnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        label="Ihre Antwort",
        choices=[("1", "Beitrag abgeben / mitzeichnen"), ("0", "Ablehnen")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ManualReviewForm(forms.Form):
    name = forms.CharField(label="Titel der Vorlage", max_length=1000)
    reference = forms.CharField(label="Vorlagen-Nr.", max_length=200)
    paper_type = forms.CharField(label="Vorlagenart", max_length=200, initial="Beschlussvorlage")
    paper_date = forms.DateField(label="Datum der Vorlage", required=False, widget=DATE)
    deadline = forms.DateField(label="Frist der Stellungnahme", required=False, widget=DATE)
    draft_pdf = forms.FileField(
        label="Entwurf als PDF", help_text="Nicht öffentliche Entwürfe: die Datei bleibt intern."
    )
