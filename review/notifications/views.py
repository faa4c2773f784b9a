from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.models import Delivery, Notification, NotificationKind, NotificationPreference, User

from . import services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user.pk or 0).select_related(
        "review__paper"
    )
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification.mark_read()
    target = notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


# Clerks choose whether dispatched statements come with the .docx as well.
STATEMENT_FORMATS = "statement_formats"
# People with cases of their own choose how early "due date approaching" comes.
NOTICE_DAYS = "notice_days"


class PreferencesForm(forms.Form):
    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        chosen = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
        )
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=chosen.get(kind.value)
                or NotificationPreference.objects.delivery_for(user.pk, kind.value),
            )
        if user.has_perm("review.draft_statement"):
            self.fields[NOTICE_DAYS] = forms.IntegerField(
                label=_("Days of notice before a deadline"),
                help_text=_("“A due date is approaching” comes this many days before (1 to 30)."),
                min_value=1,
                max_value=30,
                required=False,  # left empty: unchanged
                initial=user.notice_days,
            )
        if user.has_perm("review.view_released_statement"):
            self.fields[STATEMENT_FORMATS] = forms.ChoiceField(
                label=_("Stellungnahmen per E-Mail"),
                choices=[
                    ("pdf", _("nur als PDF")),
                    ("pdf_docx", _("als PDF und Word-Datei (.docx)")),
                ],
                widget=forms.RadioSelect,
                initial="pdf_docx" if user.wants_docx else "pdf",
            )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        choices = dict(form.cleaned_data)
        formats = choices.pop(STATEMENT_FORMATS, None)
        notice_days = choices.pop(NOTICE_DAYS, None)
        services.save_preferences(
            user=user,
            choices=choices,
            wants_docx=None if formats is None else formats == "pdf_docx",
            due_soon_days=notice_days,
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
