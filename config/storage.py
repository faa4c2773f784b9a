"""Static files storage for production: hashed names, compressed copies (whitenoise)."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """viewflow's bundled CSS refers to font files the package does not ship (roboto-fontface's
    thin weights); leave such references as they are instead of failing collectstatic."""

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and "/node_modules/" in name:
                return name
            raise
