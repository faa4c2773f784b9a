"""Second factor: TOTP enrolment with a QR code, recovery codes, verification."""

from __future__ import annotations

import base64
import functools
import io
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django_otp import device_classes, devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from review.models import User
from review.models.people import person_id_column

TOTP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"
RECOVERY_CODE_COUNT = 10


def is_verified(user: object) -> bool:
    """Whether this session passed the second factor (django-otp's middleware sets it)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def has_second_factor(user: User) -> bool:
    # Asked on every page by SecondFactorRequiredMiddleware and the header: once per request
    # (the user object lives for one request), usually answered by the statement that fetched
    # the signed-in person (review.accounts.backends.ModelBackend.get_user).
    if user.is_anonymous:
        return False
    # getattr/setattr, not the instance's __dict__: request.user is a lazy object that passes
    # both on to the person it wraps, where get_user left the answer.
    known: bool | None = getattr(user, "_has_second_factor", None)
    if known is None:
        known = _query_second_factor(user)
        remember_second_factor(user, known)
    return known


def remember_second_factor(user: User, known: bool) -> None:
    """The answer of has_second_factor for this request, read with the person."""
    user._has_second_factor = known  # type: ignore[attr-defined]


def confirmed_device_exists() -> RawSQL:
    """has_second_factor as an annotation of a query over people."""
    return RawSQL(
        f"({_confirmed_device_condition(person_id_column())})", (), output_field=BooleanField()
    )


def _query_second_factor(user: User) -> bool:
    if not device_classes():
        return False
    condition = _confirmed_device_condition("%s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + condition, [user.pk] * condition.count("%s"))
        row = cursor.fetchone()
    return bool(row and row[0])


@functools.cache
def _confirmed_device_condition(person: str) -> str:
    """`EXISTS (a confirmed device of type 1) OR EXISTS (…type 2)` for the person whose id is
    the SQL `person` (a placeholder or a column), built once per process from the models'
    metadata. The same question asked through the ORM (an Exists per device type, found by
    walking every app's models) cost ≈ 3 ms of CPU on every page, more than the bare page
    itself (docs/performance.md)."""
    quote = connection.ops.quote_name
    parts = []
    for model in device_classes():
        meta = model._meta
        user_column = meta.get_field("user").column
        confirmed_column = meta.get_field("confirmed").column
        parts.append(
            f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} "
            f"WHERE {quote(user_column)} = {person} AND {quote(confirmed_column)})"
        )
    return " OR ".join(parts) or "FALSE"


def second_factor_required(user: User) -> bool:
    """External people always; the office and administrators when STAFF_SECOND_FACTOR is on;
    anyone else once they have set up a device of their own."""
    if user.is_external or has_second_factor(user):
        return True
    # The office and the administrators see every case (view_review), non-public ones included.
    return settings.STAFF_SECOND_FACTOR and user.has_perm("review.view_review")


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (kept across reloads, so the QR code stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app without a camera."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 10 hex digits, ~40 bits, single use and throttled
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if the token matches; returns fresh recovery codes, else None."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(user=device.user)


def _forget(user: User) -> None:
    """Drop the per-request answer of has_second_factor after changing the devices."""
    if getattr(user, "_has_second_factor", None) is not None:
        del user._has_second_factor  # type: ignore[attr-defined]


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    _forget(user)
    return codes


def verify_second_factor(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts the token (app code or recovery code), if any."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def remove_second_factor(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _forget(user)
