"""The dispatch e-mail: the statement as attachment(s), German text, no names in the subject."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from review.external import access
from review.models import Dispatch
from review.notifications.emails import absolute_url


def subject_for(dispatch: Dispatch) -> str:
    # The paper's reference is public; names and addresses never appear in the subject.
    reference = dispatch.review.paper.reference or f"#{dispatch.review.paper_id}"
    return _("Stellungnahme zur Vorlage %(reference)s") % {"reference": reference}


def dispatch_email(dispatch: Dispatch) -> EmailMultiAlternatives:
    review = dispatch.review
    if dispatch.audience == Dispatch.Audience.BEIRAT:
        link = reverse("external:beirat_review", args=[review.pk])
    else:
        link = reverse("external:clerk") + f"#vorgang-{review.pk}"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "dispatch": dispatch,
            "review": review,
            "paper": review.paper,
            "organization": dispatch.organization,
            # The clerk files the statement under the meeting it is for.
            "meeting": access.next_meeting_for(
                review, {dispatch.organization_id} if dispatch.organization_id else set()
            ),
            "is_clerk": dispatch.audience == Dispatch.Audience.CLERK,
            "filenames": [a["filename"] for a in dispatch.attachments],
            "link": absolute_url(link),
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("dispatch/email/statement.txt", context)
        html = render_to_string("dispatch/email/statement.html", context)
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "stellwerk.localhost"
        message = EmailMultiAlternatives(
            subject=subject_for(dispatch),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[dispatch.email],
            # A fixed Message-ID lets mail servers and clients drop a duplicate.
            headers={
                "Message-ID": f"<stellwerk-dispatch-{dispatch.pk}@{domain}>",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(html, "text/html")
    for attachment in dispatch.attachments:
        with default_storage.open(attachment["path"], "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment["content_type"])
    return message
