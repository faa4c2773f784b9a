"""Invitation, two-factor set-up and verification, and the office's list of external accounts."""

from __future__ import annotations

from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login, logout, user_logged_in, user_login_failed
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from review.models import User

from . import otp, services
from .forms import InvitationForm, SetupTokenForm, TokenForm
from .tokens import invitation_from_token

_RECOVERY_SESSION_KEY = "stellwerk_recovery_codes"


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return redirect(default).url


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(
            invitation=invitation, password=form.cleaned_data["new_password1"]
        )
        login(request, user, backend="review.accounts.backends.ModelBackend")
        messages.success(request, _("Your password is set. Now set up the second factor."))
        return redirect("accounts:setup")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invited": invitation.user}
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Replacing an existing device needs the current one first, so a stolen password alone
    # cannot swap in the attacker's phone.
    if otp.has_second_factor(user) and not otp.is_verified(user):
        return redirect("accounts:verify")
    device = otp.pending_totp_device(user)
    form = SetupTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.confirm_totp_device(device=device, token=form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", _("The code does not match. Check the time on your phone."))
        else:
            otp_login(request, device)
            request.session[_RECOVERY_SESSION_KEY] = codes
            return redirect("accounts:recovery_codes")
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_code": otp.qr_code_data_uri(device),
            "secret": otp.secret_for_display(device),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(_RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not otp.is_verified(user):
        return redirect("accounts:verify")
    request.session[_RECOVERY_SESSION_KEY] = otp.replace_recovery_codes(user=user)
    return redirect("accounts:recovery_codes")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/security.html",
        {"has_device": otp.has_second_factor(user), "is_verified": otp.is_verified(user)},
    )


def _locked_out(request: HttpRequest, user: User) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if otp.is_verified(user):
        return redirect(_next_url(request))
    if not otp.has_second_factor(user):
        return redirect("accounts:setup")
    if _locked_out(request, user):
        logout(request)
        return render(request, "registration/locked_out.html", status=429)
    recovery = request.GET.get("wiederherstellung") == "1"
    form = TokenForm(request.POST or None, recovery=recovery)
    if request.method == "POST" and form.is_valid():
        device = otp.verify_second_factor(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            # Counts as the completed login for django-axes (resets the failure count).
            user_logged_in.send(sender=user.__class__, request=request, user=user)
            return redirect(_next_url(request))
        # A wrong code counts like a wrong password towards the lockout.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        if getattr(request, "axes_locked_out", False) or _locked_out(request, user):
            logout(request)
            return render(request, "registration/locked_out.html", status=429)
        form.add_error("token", _("The code is not valid. Please try again."))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next_url(request), "recovery": recovery},
    )


# --- The office's list of external accounts ----------------------------------------------


@login_required
@permission_required("review.manage_external_accounts", raise_exception=True)
def external_accounts(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_external(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                role=form.role_value,
                organizations=form.cleaned_data["organizations"],
                by=request.user,  # type: ignore[arg-type]
            )
        except services.AccountError as exc:
            form.add_error("email" if str(exc) == services.EMAIL_TAKEN else None, str(exc))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is on its way.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:external_accounts")
    return render(
        request,
        "accounts/external_accounts.html",
        {"form": form, "accounts": services.external_accounts()},
    )


def _external_user(pk: int) -> User:
    user = get_object_or_404(User, pk=pk)
    if not user.is_external:
        raise Http404
    return user


def _act_on_account(
    request: HttpRequest, pk: int, action: Callable[..., object], done: str
) -> HttpResponse:
    """Run one service on an external account and go back to the list with its message."""
    user = _external_user(pk)
    try:
        action(user=user, by=request.user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"name": user})
    return redirect("accounts:external_accounts")


manages_external_accounts = permission_required(
    "review.manage_external_accounts", raise_exception=True
)


@require_POST
@login_required
@manages_external_accounts
def deactivate_account(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_account(
        request, pk, services.deactivate_account, _("%(name)s can no longer log in.")
    )


@require_POST
@login_required
@manages_external_accounts
def reactivate_account(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_account(
        request, pk, services.reactivate_account, _("%(name)s can log in again.")
    )


@require_POST
@login_required
@manages_external_accounts
def resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_account(
        request, pk, services.resend_invitation, _("A new invitation link is on its way.")
    )


@require_POST
@login_required
@manages_external_accounts
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_account(
        request,
        pk,
        services.reset_second_factor,
        _("%(name)s sets up a new second factor at the next login."),
    )
