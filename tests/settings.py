"""Settings for a test, given by their environment names as an operator writes them."""

from __future__ import annotations

from typing import Any

from tgexchange.config import Settings


def settings_of(**env: Any) -> Settings:
    """Never reads a ``.env`` file: a developer's own settings must not leak into a test."""
    options: dict[str, Any] = {"_env_file": None, **env}
    return Settings(**options)
