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


def url_of(name: str) -> str:
    """The address of a view without arguments (`{% shell_url %}` in templates)."""
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
    # The person's permissions as one set, asked once: has_perm would ask every
    # authentication backend again for each of the dozen areas (the backends' union is the same).
    granted = user.get_all_permissions()

    def may(permission: str) -> bool:
        return permission in granted

    if may("review.triage_review"):
        worklist = url_of("workflows:worklist")
        entries.append((_("Triage"), worklist, path.startswith(worklist)))
    if may("review.draft_statement"):
        inbox, team_queue = url_of("workflows:inbox"), url_of("workflows:team_queue")
        entries += [
            (_("My tasks"), inbox, path == inbox),
            (_("Team"), team_queue, path.startswith(team_queue)),
        ]
    # The Commissioner's desk; the IT superuser holds the permissions but does not do this work.
    if may("review.assign_review") and not user.is_superuser:
        desk = url_of("workflows:assignment_desk")
        entries.append((_("Assignment"), desk, path.startswith(desk)))
    if may("review.approve_statement") and not user.is_superuser:
        desk = url_of("workflows:approval_desk")
        entries.append((_("Final approval"), desk, path.startswith(desk)))
    if may("review.view_review"):
        entries.append(
            (_("Cases"), url_of("workflows:review_list"), path.startswith("/vorgaenge/"))
        )
    if may("review.view_paper"):
        entries.append((_("Council papers"), url_of("papers:list"), path.startswith("/vorlagen/")))
    if may("review.view_review") or may("review.view_shared_review"):
        report = "reports:report" if may("review.view_review") else "reports:beirat"
        entries.append((_("Report"), url_of(report), path.startswith("/bericht/")))
    if may("review.record_outcome"):
        follow_ups = url_of("followups:list")
        entries.append((_("Follow-ups"), follow_ups, path.startswith(follow_ups)))
    if may("review.view_shared_review"):
        entries.append((_("Beirat"), url_of("external:beirat"), path.startswith("/beirat/")))
    if may("review.view_released_statement"):
        entries.append(
            (_("Committee service"), url_of("external:clerk"), path.startswith("/gremien/"))
        )
    if may("review.change_keywordterm"):
        profile = url_of("relevance_profile")
        entries.append((_("Relevance"), profile, path.startswith(profile)))
    if may("review.view_syncrun"):
        status = url_of("system_status")
        entries.append((_("System status"), status, path == status))
    if user.is_staff:
        entries.append(
            (_("Administration area"), url_of("admin:index"), path.startswith("/admin/"))
        )
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
