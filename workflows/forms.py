"""Forms of the workflow steps (English message ids, German in the catalogue; the services
validate the business rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from review import services
from review.models import Contribution, Recommendation, Review, Role, User
from review.statements.services import PART_MAX_CHARS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.OFFICER.value, Role.HEAD.value])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# Django's default "- Select an option -" has no German translation in Django's own catalogue;
# ours has (German: "– bitte wählen –").
EMPTY_LABEL = _("- Select an option -")


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", EMPTY_LABEL)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        label = obj.get_full_name() or obj.username
        if obj.is_absent():
            label = gettext("%(name)s (absent)") % {"name": label}
        return label


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class TriageForm(forms.Form):
    RELEVANT = "relevant"
    NOT_AFFECTED = "not_affected"
    decision = forms.ChoiceField(
        label=_("Result of the triage"),
        choices=[
            (RELEVANT, _("Affected – prepare a statement")),
            (NOT_AFFECTED, _("Not affected")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (one line)"),
        max_length=500,
        required=False,
        help_text=_("Required for “Not affected”; stays searchable in the case."),
    )
    note_document = forms.BooleanField(
        label=_("Generate a short note “Not affected” as a document"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.NOT_AFFECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("Please give a short reason."))
        return data


class AssignForm(forms.Form):
    assignee = PersonChoiceField(label=_("Officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff().filter(groups__name=Role.OFFICER.value)  # type: ignore[attr-defined]


ASSIGNEE_ABSENT = _(
    "%(name)s is absent until %(until)s. Please choose someone who is there; "
    "the deputy is %(deputy)s."
)


class DeskAssignForm(AssignForm):
    """The assignment desk: only officers who are there today (absent ones are not offered)."""

    def clean_assignee(self) -> User:
        person: User = self.cleaned_data["assignee"]
        if person.is_absent():
            raise forms.ValidationError(
                ASSIGNEE_ABSENT,
                params={
                    "name": person.get_full_name() or person.username,
                    "until": person.absent_until.strftime("%d.%m.%Y")
                    if person.absent_until
                    else "–",
                    "deputy": person.deputy or "–",
                },
            )
        return person


class AbsenceForm(forms.Form):
    absent_from = forms.DateField(label=_("Absent from"), required=False, widget=DATE)
    absent_until = forms.DateField(label=_("Absent until"), required=False, widget=DATE)
    deputy = PersonChoiceField(label=_("Deputy"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = staff().exclude(pk=person.pk)  # type: ignore[attr-defined]


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending it back"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The officer sees it above the editor, and you see it again next time."),
        error_messages={"required": _("Please give a reason for sending it back.")},
    )


class StatementForm(forms.Form):
    # The version the editor was loaded with (kept current by autosave): a save on an older one
    # is refused, so two windows cannot silently replace each other's text.
    based_on = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    facts = forms.CharField(
        label=_("Facts"),
        required=False,
        max_length=PART_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the paper wants."),
    )
    assessment = forms.CharField(
        label=_("Assessment"),
        required=False,
        max_length=PART_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("From the point of view of integration: who is affected, what follows?"),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation/vote"),
        required=False,
        choices=[("", _("– still open –")), *Recommendation.choices],
    )
    recommendation_text = forms.CharField(
        label=_("Reason for the recommendation"),
        required=False,
        max_length=PART_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposalForm(forms.Form):
    location = forms.CharField(label=_("Passage in the paper"), max_length=300, required=False)
    proposal = forms.CharField(
        label=_("Proposal"),
        required=False,
        max_length=PART_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=PART_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


ProposalFormSet = forms.formset_factory(ProposalForm, extra=1, max_num=50, absolute_max=60)


class ParticipationForm(forms.Form):
    share_with_beirat = forms.BooleanField(
        label=_("Put it to the Ausländerbeirat for a vote"), required=False
    )
    contributors = PeopleChoiceField(
        label=_("Ask for contributions from"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label=_("Kind of participation"),
        choices=Contribution.Kind.choices,
        initial=Contribution.Kind.CONTRIBUTION,
    )
    due_date = forms.DateField(
        label=_("Deadline of the participation"), required=False, widget=DATE
    )

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
        label=_("Final approval"),
        choices=[(APPROVE, _("Release")), (SEND_BACK, _("Send back for revision"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for sending it back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending it back."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.SEND_BACK and not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("Please give a reason for sending it back."))
        return data


class OutcomeForm(forms.Form):
    decision_result = forms.CharField(label=_("Decision of the committee"), max_length=500)
    decision_text = forms.CharField(
        label=_("Text of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(
        label=_("Compared with our recommendation"),
        choices=[c for c in Review.Outcome.choices if c[0]],
        widget=forms.RadioSelect,
    )


class ContributionAnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("1", _("Contribute / co-sign")), ("0", _("Decline"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


def _no_direction_controls(value: str) -> None:
    if services.has_direction_controls(value):
        raise forms.ValidationError(services.HIDDEN_DIRECTION_CHARACTERS)


class ManualReviewForm(forms.Form):
    # Room for the long titles councils give their papers, but not for pasted-in text; documents
    # cut titles to Word's property limit themselves (review/documents/rendering.py).
    name = forms.CharField(
        label=_("Title of the paper"), max_length=500, validators=[_no_direction_controls]
    )
    reference = forms.CharField(
        label=_("Paper number"), max_length=50, validators=[_no_direction_controls]
    )
    paper_type = forms.CharField(
        label=_("Type of paper"), max_length=100, initial="Beschlussvorlage"
    )
    paper_date = forms.DateField(label=_("Date of the paper"), required=False, widget=DATE)
    deadline = forms.DateField(label=_("Deadline of the statement"), required=False, widget=DATE)
    draft_pdf = forms.FileField(
        label=_("Draft as PDF"),
        help_text=_("Non-public drafts: the file stays internal."),
    )
