"""Admin registrations live next to their sub-domains; importing them registers them."""

from review.dispatch import admin as dispatch_admin  # noqa: F401
