"""The nightly re-check of directory accounts (Celery beat, config/settings.py)."""

from celery import shared_task

from . import ldap


@shared_task(name="accounts.check_directory_users")
def check_directory_users() -> dict[str, int]:
    if not ldap.is_configured():
        return {}
    return ldap.check_directory_users()
