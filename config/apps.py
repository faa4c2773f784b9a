"""Django's static files app with the project's ignore patterns (Django's documented way)."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class ProjectStaticFilesConfig(StaticFilesConfig):
    # viewflow ships its Material frontend (49 MB of scripts and fonts) that Stellwerk never
    # serves: the pages are the project's own templates. Collecting and compressing it made
    # collectstatic two thirds of every deployment and of `make prod-check`.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "viewflow"]
