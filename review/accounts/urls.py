from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, reverse_lazy

from . import oidc, views
from .forms import LoginForm
from .password_reset import PasswordResetView

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("einladung/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("zweiter-faktor/einrichten/", views.setup, name="setup"),
    path("zweiter-faktor/", views.verify, name="verify"),
    path("zweiter-faktor/codes/", views.recovery_codes, name="recovery_codes"),
    path("zweiter-faktor/neue-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("sicherheit/", views.security, name="security"),
    path("externe-zugaenge/", views.external_accounts, name="external_accounts"),
    # One view per action; the paths are the ones the single view had.
    path(
        "externe-zugaenge/<int:pk>/deactivate/",
        views.deactivate_account,
        name="deactivate_account",
    ),
    path(
        "externe-zugaenge/<int:pk>/reactivate/",
        views.reactivate_account,
        name="reactivate_account",
    ),
    path("externe-zugaenge/<int:pk>/resend/", views.resend_invitation, name="resend_invitation"),
    path(
        "externe-zugaenge/<int:pk>/reset-2fa/",
        views.reset_second_factor,
        name="reset_second_factor",
    ),
]

# Django's login and password reset views with our templates; the names stay Django's own.
password_reset_urlpatterns: list[URLPattern] = [
    path("anmelden/", oidc.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    # OpenID Connect sign-in (docs/sso.md); both answer 404 unless OIDC is configured.
    path("anmelden/sso/", oidc.start, name="oidc_start"),
    path("anmelden/sso/zurueck/", oidc.callback, name="oidc_callback"),
    path(
        "konto/passwort/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html",
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "konto/passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "konto/passwort-vergessen/",
        PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
