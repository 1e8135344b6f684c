"""The languages the exchange speaks: the bot has a catalogue for each, and nothing else."""

from __future__ import annotations

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
