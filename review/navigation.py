"""The main navigation of the page shell: which areas a person's roles open to them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from review.accounts import otp


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _url(name: str) -> str:
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.cache
def _reversed(name: str, prefix: str, urlconf: Any) -> str:
    """The address of an area: the same for the life of the process (for its URLconf and
    prefix), and every page's navigation asks for up to twelve of them."""
    return reverse(name, urlconf=urlconf)


def _items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    path = request.path
    entries: list[tuple[str, str, bool]] = []
    # One permission query per request (Django caches them on the user object).
    if user.has_perm("review.triage_review"):
        worklist = _url("workflows:worklist")
        entries.append((_("Triage"), worklist, path.startswith(worklist)))
    if user.has_perm("review.draft_statement"):
        inbox, team_queue = _url("workflows:inbox"), _url("workflows:team_queue")
        entries += [
            (_("My tasks"), inbox, path == inbox),
            (_("Team"), team_queue, path.startswith(team_queue)),
        ]
    # The Commissioner's desk; the IT superuser holds the permissions but does not do this work.
    if user.has_perm("review.assign_review") and not user.is_superuser:
        desk = _url("workflows:assignment_desk")
        entries.append((_("Assignment"), desk, path.startswith(desk)))
    if user.has_perm("review.approve_statement") and not user.is_superuser:
        desk = _url("workflows:approval_desk")
        entries.append((_("Final approval"), desk, path.startswith(desk)))
    if user.has_perm("review.view_review"):
        entries.append((_("Cases"), _url("workflows:review_list"), path.startswith("/vorgaenge/")))
    if user.has_perm("review.view_paper"):
        entries.append((_("Council papers"), _url("papers:list"), path.startswith("/vorlagen/")))
    if user.has_perm("review.view_review") or user.has_perm("review.view_shared_review"):
        report = "reports:report" if user.has_perm("review.view_review") else "reports:beirat"
        entries.append((_("Report"), _url(report), path.startswith("/bericht/")))
    if user.has_perm("review.record_outcome"):
        follow_ups = _url("followups:list")
        entries.append((_("Follow-ups"), follow_ups, path.startswith(follow_ups)))
    if user.has_perm("review.view_shared_review"):
        entries.append((_("Beirat"), _url("external:beirat"), path.startswith("/beirat/")))
    if user.has_perm("review.view_released_statement"):
        entries.append(
            (_("Committee service"), _url("external:clerk"), path.startswith("/gremien/"))
        )
    if user.has_perm("review.change_keywordterm"):
        profile = _url("relevance_profile")
        entries.append((_("Relevance"), profile, path.startswith(profile)))
    if user.has_perm("review.view_syncrun"):
        status = _url("system_status")
        entries.append((_("System status"), status, path == status))
    if user.is_staff:
        entries.append((_("Administration area"), _url("admin:index"), path.startswith("/admin/")))
    return [NavItem(label, url, current) for label, url, current in entries]


def audience_label(user: Any) -> str:
    """Who the person is dealing with, for the header line. Volunteers of the Beirat and the
    committees' clerks are not staff: "internal application of the administration" told them
    nothing (and wrongly), so they read the office's name and for whom this is. Before login it
    is only the office's name, since the login page serves everyone."""
    office = _("%(office)s of the City of %(city)s") % {
        "office": settings.DOCUMENT_OFFICE["name"],
        "city": settings.DOCUMENT_OFFICE["city"],
    }
    if user is None or not user.is_authenticated:
        return office
    if user.has_perm("review.view_review"):
        # The office's own staff.
        return _("Internal application of the municipal administration")
    if user.has_perm("review.view_shared_review"):
        return _("%(office)s – for the integration council (Beirat)") % {"office": office}
    if user.has_perm("review.view_released_statement"):
        return _("%(office)s – for the committee services") % {"office": office}
    return office


def main_navigation(request: HttpRequest) -> dict[str, Any]:
    """`main_nav` for base.html; evaluated only when a page renders the header."""
    user = getattr(request, "user", None)
    shell = {
        "audience_label": SimpleLazyObject(lambda: audience_label(user)),
        "office_name": settings.DOCUMENT_OFFICE["name"],
        "office_email": settings.DOCUMENT_OFFICE["email"],
    }
    if user is None or not user.is_authenticated:
        return shell
    return {
        **shell,
        "main_nav": SimpleLazyObject(lambda: _items(request)),
        # Before the second factor the header shows only the brand and the logout button.
        "awaiting_second_factor": SimpleLazyObject(
            lambda: not otp.is_verified(user) and otp.second_factor_required(user)
        ),
    }
