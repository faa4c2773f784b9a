"""The read API for the municipality's other systems (DMS, e-file): django-ninja at /api/v1/."""
